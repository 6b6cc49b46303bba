"""REST API v1 of the household backup (docs/rules.md §9.2), owner only:
`GET household/backup/` answers the document, `POST household/restore/` takes it as the body."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.api import AutoSchema, ErrorSerializer
from households.api import NOT_OWNER, IsHouseholdOwner
from transfers.backup import BackupError, backup_parse, household_backup, household_restore

BAD = OpenApiResponse(ErrorSerializer, description="Not a backup this server can restore.")


class RestoreCountsSerializer(serializers.Serializer):
    funnels = serializers.IntegerField()
    spendings = serializers.IntegerField()
    incomes = serializers.IntegerField()


def read_limited(request: Request, limit: int) -> bytes:
    """The raw body, refusing more than `limit` bytes before reading it all."""
    django_request = request._request
    length = django_request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > limit:
        raise BackupError(f"The file is too large: a backup has at most {limit // 2**20} MB.")
    return django_request.read(limit + 1)


class BackupView(APIView):
    permission_classes = [IsHouseholdOwner]

    @extend_schema(
        operation_id="household_backup",
        responses={200: OpenApiTypes.OBJECT, 403: NOT_OWNER},
        summary="The whole household as one versioned JSON document (owner only)",
    )
    def get(self, request: Request) -> Response:
        return Response(household_backup(user=request.user))


class RestoreSchema(AutoSchema):
    """The backup is the body, and it is required (an empty body is a 400)."""

    def _get_request_body(self, direction: str = "request") -> dict[str, Any] | None:
        body = super()._get_request_body(direction)
        if body:
            body["required"] = True
        return body


class RestoreView(APIView):
    permission_classes = [IsHouseholdOwner]
    schema = RestoreSchema()
    parser_classes: list[Any] = []  # the body is read raw, within BACKUP_MAX_BYTES

    @extend_schema(
        operation_id="household_restore",
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            201: RestoreCountsSerializer,
            200: RestoreCountsSerializer,
            400: BAD,
            403: NOT_OWNER,
        },
        summary="Restore a backup into this household (owner only)",
    )
    def post(self, request: Request) -> Response:
        try:
            raw = read_limited(request, settings.BACKUP_MAX_BYTES)
            document = backup_parse(raw=raw, max_bytes=settings.BACKUP_MAX_BYTES)
            counts = household_restore(user=request.user, document=document)
        except BackupError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        code = status.HTTP_201_CREATED if counts.total else status.HTTP_200_OK
        return Response(counts.as_dict(), status=code)
