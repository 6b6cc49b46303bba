"""REST API v1 of planned spendings (docs/rules.md §12.2): CRUD, "paid" and "skip".

The same rules as spendings (§5.4): idempotent create on a client-chosen id (same body 200,
other body 409), objects looked up through `visible_to` (anything else answers 404), the
services of funnels.planned underneath.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.api import PLAIN_TEXT, Conflict, error_answer, validated
from funnels import planned as services
from funnels.api_common import (
    ClientIdCreate,
    EntryDetailView,
    created_response,
    detail_schema,
)
from funnels.models import PlannedOccurrence, PlannedSpending, Repeat
from funnels.serializers import (
    AmountInField,
    DateParam,
    MoneyReadField,
    SpendingSerializer,
    UsernameField,
    VisibleFunnelMixin,
    client_id_field,
)

# --- serializers -----------------------------------------------------------------------------


class PlannedSerializer(serializers.Serializer):
    """A planned spending as the API shows it."""

    id = serializers.UUIDField(read_only=True)
    funnel = serializers.UUIDField(source="funnel_id", read_only=True)
    amount = MoneyReadField()
    date = serializers.DateField(read_only=True, help_text="The (first) day it is due, local.")
    note = serializers.CharField(read_only=True)
    repeat = serializers.ChoiceField(choices=Repeat.choices, read_only=True)
    created_by = UsernameField(help_text="Username of who planned it; null once they have left.")
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class PlannedInputSerializer(VisibleFunnelMixin):
    """What a client sends to plan a spending (id optional, for safe retries) or change it."""

    id = client_id_field()
    funnel = serializers.UUIDField(help_text="Id of a funnel the member can see.")
    amount = AmountInField()
    date = DateParam(
        help_text="The day it is due (the first one when it repeats), in household time. "
        "Occurrences count from the day the plan is made: earlier ones are never reserved "
        "nor recorded."
    )
    note = serializers.CharField(
        max_length=200, allow_blank=True, required=False, validators=[PLAIN_TEXT]
    )
    repeat = serializers.ChoiceField(
        choices=Repeat.choices,
        required=False,
        help_text="none (default), weekly, monthly or yearly. Monthly and yearly keep the day "
        "of the month, or take the month's last day where it has none (31 Jan → 28 Feb).",
    )


class PlannedUpdateSerializer(PlannedInputSerializer):
    """The fields of a plan a member can change (all optional)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["id"]


class OccurrenceInputSerializer(serializers.Serializer):
    date = DateParam(help_text="The day of the occurrence: one the plan falls due on.")


class OccurrenceSerializer(serializers.Serializer):
    """One occurrence that is done with: recorded as a spending, or skipped."""

    plan = serializers.UUIDField(source="plan_id", read_only=True)
    date = serializers.DateField(read_only=True)
    status = serializers.ChoiceField(
        choices=["paid", "skipped"], read_only=True, help_text="paid or skipped."
    )
    spending = SpendingSerializer(
        read_only=True, allow_null=True, help_text="The spending it became; null when skipped."
    )


# --- views -----------------------------------------------------------------------------------


PLAN_CREATE = ClientIdCreate(
    input=PlannedInputSerializer,
    output=PlannedSerializer,
    create=services.planned_create,
    create_idempotent=services.planned_create_idempotent,
    id_name="plan_id",
    conflict=services.PlannedIdConflict,
    taken="The id is taken by another plan or other values.",
)


class PlannedListView(APIView):
    @extend_schema(responses=PlannedSerializer(many=True), summary="List planned spendings")
    def get(self, request: Request) -> Response:
        """The plans the member sees (of their own and the shared funnels), soonest first."""
        plans = services.plans_visible_to(user=request.user)
        return Response(PlannedSerializer(plans, many=True).data)

    @PLAN_CREATE.schema(summary="Plan a spending")
    def post(self, request: Request) -> Response:
        """Plan a spending; with a client-chosen `id` a retry is safe (200, nothing new)."""
        return PLAN_CREATE.respond(request)


@detail_schema(
    thing="a planned spending",
    one="One plan.",
    change="Change the funnel, amount, date, note or repeat; done occurrences stay done.",
    delete="Delete a plan; the spendings it already became stay.",
)
class PlannedDetailView(EntryDetailView):
    output = PlannedSerializer
    update_input = PlannedUpdateSerializer
    entry_name = "plan"
    lookup = staticmethod(services.plan_visible_to)
    update = staticmethod(services.planned_update)
    remove = staticmethod(services.planned_delete)


def _plan_and_date(request: Request, pk: UUID) -> tuple[PlannedSpending, date]:
    """The plan (404 unless the member sees it) and the occurrence date in the body."""
    plan = services.plan_visible_to(user=request.user, pk=pk)
    return plan, validated(OccurrenceInputSerializer(data=request.data))["date"]


class OccurrenceView(APIView):
    """An occurrence done with one way, by `service` (paid or skipped); safe to repeat, a 409
    when it was done the other way. Its post has no docstring: each view's says what it does."""

    service: Callable[..., tuple[PlannedOccurrence, bool]]

    def post(self, request: Request, pk: UUID) -> Response:
        plan, on = _plan_and_date(request, pk)
        try:
            occurrence, created = self.service(user=request.user, plan=plan, on=on)
        except services.OccurrenceConflict as exc:
            raise Conflict(str(exc)) from None
        return created_response(OccurrenceSerializer(occurrence), created=created)


def occurrence_schema(*, summary: str, already: str) -> Callable[[type], type]:
    """The schema of an OccurrenceView's post; `already` describes the 200 of a repeat.
    A 400 (bad date, or a day the plan does not fall due on) is described for every write."""
    return extend_schema_view(
        post=extend_schema(
            request=OccurrenceInputSerializer,
            responses={
                201: OccurrenceSerializer,
                200: OpenApiResponse(OccurrenceSerializer, description=already),
                409: error_answer("That occurrence was done the other way."),
            },
            summary=summary,
        )
    )


@occurrence_schema(summary="Record an occurrence as paid", already="Recorded already.")
class PlannedPaidView(OccurrenceView):
    """Record the occurrence due on `date` as a spending made now (before the daily job
    does on its day); safe to repeat."""

    service = staticmethod(services.planned_paid)


@occurrence_schema(summary="Skip an occurrence", already="Skipped already.")
class PlannedSkipView(OccurrenceView):
    """Drop the occurrence due on `date`: nothing is set aside or recorded for it."""

    service = staticmethod(services.planned_skip)


class PlannedUnskipView(APIView):
    @extend_schema(
        request=OccurrenceInputSerializer,
        responses={204: None},
        summary="Take back a skip",
    )
    def post(self, request: Request, pk: UUID) -> Response:
        """The occurrence skipped on `date` is set aside again (204 also when it was not
        skipped: there is nothing left to undo; a paid one stays paid)."""
        plan, on = _plan_and_date(request, pk)
        services.planned_unskip(user=request.user, plan=plan, on=on)
        return Response(status=status.HTTP_204_NO_CONTENT)
