"""REST API v1 of the import (docs/rules.md §9.3): `POST imports/` previews an upload without
saving an entry; `POST imports/{id}/confirm/` saves the kept rows in one transaction."""

from __future__ import annotations

import uuid
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.api import PLAIN_TEXT, ErrorSerializer, StrictIntegerField, StrictUUIDField
from transfers.forms_import import ImportUploadForm
from transfers.importing import import_confirm
from transfers.models import ImportBatch
from transfers.parsers import ImportFileError

BAD_FILE = OpenApiResponse(ErrorSerializer, description="A file or choice that cannot be used.")


def _choice(name: str) -> serializers.ChoiceField:
    """The schema of one of the upload form's choices ("" or absent: the default, or detect)."""
    field = ImportUploadForm.base_fields[name]
    choices = [value for value, _ in field.choices if value]  # type: ignore[attr-defined]
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True)


def _column() -> serializers.CharField:
    return serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        validators=[PLAIN_TEXT],
        help_text="A column's name or number (blank: detect).",
    )


class ImportUploadSerializer(serializers.Serializer):
    """The schema of ImportUploadForm, which reads the upload: the same choices and limits."""

    file = serializers.FileField()
    encoding = _choice("encoding")
    delimiter = _choice("delimiter")
    date_format = _choice("date_format")
    decimal = _choice("decimal")
    date_column = _column()
    amount_column = _column()
    description_column = _column()
    sign_column = _column()


class ImportRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    date = serializers.DateField()
    amount = serializers.CharField(help_text='Positive decimal string, e.g. "12.50".')
    type = serializers.ChoiceField(choices=("spending", "income"))
    description = serializers.CharField()
    funnel = serializers.UUIDField(allow_null=True, help_text="The suggested funnel (9.4).")
    duplicate = serializers.BooleanField(help_text="Imported before: confirming skips it.")


class ImportPreviewSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    rows = ImportRowSerializer(many=True)


class ImportConfirmRowSerializer(serializers.Serializer):
    line = StrictIntegerField(min_value=1)
    funnel = StrictUUIDField(allow_null=True)


class ImportConfirmSerializer(serializers.Serializer):
    rows = ImportConfirmRowSerializer(many=True, max_length=50000)


class ImportConfirmResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    skipped = serializers.IntegerField()


def _rows(batch: ImportBatch) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "key"} for row in batch.rows]


class ImportListView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="imports_create",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportPreviewSerializer},
        summary="Read a bank file into rows to review (saves no entry)",
    )
    def post(self, request: Request) -> Response:
        form = ImportUploadForm(request.data, request.FILES)
        if not form.is_valid():
            raise serializers.ValidationError({f: list(e) for f, e in form.errors.items()})
        try:
            batch = form.preview(user=request.user)
        except ImportFileError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"id": str(batch.pk), "rows": _rows(batch)}, status=status.HTTP_201_CREATED)


class ImportConfirmView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="imports_confirm",
        request=ImportConfirmSerializer,
        responses={200: ImportConfirmResultSerializer, 400: BAD_FILE, 404: ErrorSerializer},
        summary="Save the kept rows of an import in one transaction",
    )
    def post(self, request: Request, pk: uuid.UUID) -> Response:
        batch = get_object_or_404(ImportBatch, pk=pk, user=request.user)
        body = ImportConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        choices = {row["line"]: row["funnel"] for row in body.validated_data["rows"]}
        try:
            result = import_confirm(user=request.user, batch=batch, choices=choices)
        except ImportFileError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "skipped": result.skipped})
