"""REST API v1 of income (docs/rules.md §8.1): list, record, change, delete, deletions feed.

The same rules as spendings (§5.4): cursor pagination newest first, idempotent create on a
client-chosen id (same body 200, other body 409), deletions kept 90 days for sync (410 after).
Whatever a member cannot see answers 404.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.api import (
    NAME_PATTERN,
    PLAIN_TEXT,
    Gone,
    StrictBooleanField,
    StrictCharField,
    error_answer,
    validated,
)
from funnels import income as services
from funnels.api import SpendingCursorPagination, sync_time
from funnels.api_common import ClientIdCreate, EntryDetailView, detail_schema
from funnels.models import TOMBSTONE_RETENTION, Income, IncomeTombstone
from funnels.selectors import filter_member_and_days
from funnels.serializers import (
    AmountInField,
    DatesFilterSerializer,
    DeletedFilterSerializer,
    LocalDateTimeField,
    MoneyReadField,
    UsernameField,
    client_id_field,
)

# The schema states what the server enforces (budget.api's text patterns).
SOURCE_TEXT = RegexValidator(NAME_PATTERN, "Say where the money came from.")

# --- serializers -----------------------------------------------------------------------------


class IncomeSerializer(serializers.Serializer):
    """Income as the API shows it."""

    id = serializers.UUIDField(read_only=True)
    amount = MoneyReadField()
    received_at = serializers.DateTimeField(read_only=True)
    source = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    shared = serializers.BooleanField(
        read_only=True, help_text="True: every member sees it; false: only who recorded it."
    )
    received_by = UsernameField(
        help_text="Username of who recorded it; null once that member has left."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class IncomeInputSerializer(serializers.Serializer):
    """What a client sends to record income (id optional, for safe retries) or change it."""

    id = client_id_field()
    amount = AmountInField()
    source = StrictCharField(
        max_length=60,
        validators=[SOURCE_TEXT],
        help_text='Where it came from, e.g. "Salary": 1–60 characters, not only spaces.',
    )
    received_at = LocalDateTimeField(
        required=False,
        help_text="When it came in (default now); without an offset it is household time.",
    )
    note = StrictCharField(
        max_length=200, allow_blank=True, required=False, validators=[PLAIN_TEXT]
    )
    shared = StrictBooleanField(
        default=True, help_text="True (default): every member sees it; false: only you."
    )


class IncomeUpdateSerializer(IncomeInputSerializer):
    """The fields of income a member can change (all optional)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["id"]
        self.fields["shared"].default = serializers.empty


class IncomeFilterSerializer(DatesFilterSerializer):
    """Query parameters of the income list."""

    updated_since = LocalDateTimeField(
        required=False,
        help_text="Only income recorded or changed at or after this time (for sync).",
    )


class DeletedIncomeSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    deleted_at = serializers.DateTimeField(read_only=True)


class DeletedIncomeResponse(serializers.Serializer):
    server_time = serializers.DateTimeField(
        read_only=True, help_text="The `since` of the next sync (a minute before this read)."
    )
    results = DeletedIncomeSerializer(many=True, read_only=True)


# --- views -----------------------------------------------------------------------------------


class IncomeCursorPagination(SpendingCursorPagination):
    ordering = ("-received_at", "-created_at")


INCOME_CREATE = ClientIdCreate(
    input=IncomeInputSerializer,
    output=IncomeSerializer,
    create=services.income_create,
    create_idempotent=services.income_create_idempotent,
    id_name="income_id",
    conflict=services.IncomeIdConflict,
    taken="The id is taken by other data or was deleted.",
)


class IncomeListView(GenericAPIView):
    pagination_class = IncomeCursorPagination
    serializer_class = IncomeSerializer

    def get_queryset(self) -> Any:
        return Income.objects.visible_to(self.request.user).select_related("received_by")

    @extend_schema(
        parameters=[IncomeFilterSerializer],
        responses=IncomeSerializer(many=True),
        summary="List income",
    )
    def get(self, request: Request) -> Response:
        """Income the member can see, newest first, a page at a time (cursor)."""
        params = validated(
            IncomeFilterSerializer(data=request.query_params, context={"request": request})
        )
        incomes = filter_member_and_days(
            rows=self.get_queryset(), author="received_by", at="received_at", member="",
            since=params.get("since"), until=params.get("until"),
            tz=request.user.household.tzinfo,
        )  # fmt: skip
        if "updated_since" in params:
            incomes = incomes.filter(updated_at__gte=params["updated_since"])
        page = self.paginate_queryset(incomes)
        return self.get_paginated_response(IncomeSerializer(page, many=True).data)

    @INCOME_CREATE.schema(summary="Record income")
    def post(self, request: Request) -> Response:
        """Record income; with a client-chosen `id` a retry is safe (200, nothing new)."""
        return INCOME_CREATE.respond(request)


@detail_schema(
    thing="income",
    one="One income.",
    change="Change the amount, time, source, note or sharing (only its author makes it private).",
    delete="Delete income; syncing clients learn of it from incomes/deleted/.",
)
class IncomeDetailView(EntryDetailView):
    output = IncomeSerializer
    update_input = IncomeUpdateSerializer
    entry_name = "income"
    lookup = staticmethod(services.income_visible_to)
    update = staticmethod(services.income_update)
    remove = staticmethod(services.income_delete)


class DeletedIncomeListView(APIView):
    @extend_schema(
        parameters=[DeletedFilterSerializer],
        responses={
            200: DeletedIncomeResponse,
            410: error_answer("`since` is older than 90 days."),
        },
        summary="List deleted income (sync)",
    )
    def get(self, request: Request) -> Response:
        """Ids of income deleted (or made private by another member) at or after `since`."""
        params = validated(
            DeletedFilterSerializer(data=request.query_params, context={"request": request})
        )
        if params["since"] < timezone.now() - TOMBSTONE_RETENTION:
            raise Gone(
                "Deletions are kept for 90 days only: sync again from scratch "
                "(GET incomes/ without updated_since)."
            )
        server_time = sync_time()
        tombstones = (
            IncomeTombstone.objects.visible_to(request.user)
            .filter(deleted_at__gte=params["since"])
            .exclude(id__in=Income.objects.visible_to(request.user).values("id"))
            .order_by("deleted_at", "id")
        )
        return Response(
            DeletedIncomeResponse({"server_time": server_time, "results": tombstones}).data
        )
