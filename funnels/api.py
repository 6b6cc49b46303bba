"""REST API v1 of funnels, spendings and the overview (docs/rules.md §5.3–5.5).

Thin views: serializers parse, funnels.services writes, funnels.selectors reads. Objects
are looked up through `visible_to`, so whatever a member cannot see answers 404.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.api import Gone, error_answer, validated
from funnels import selectors, services
from funnels.api_common import ClientIdCreate, EntryDetailView, detail_schema
from funnels.models import TOMBSTONE_RETENTION
from funnels.serializers import (
    DeletedFilterSerializer,
    DeletedSpendingSerializer,
    FunnelDeleteParamsSerializer,
    FunnelInputSerializer,
    FunnelSerializer,
    OverviewParamsSerializer,
    OverviewSerializer,
    SpendingFilterSerializer,
    SpendingInputSerializer,
    SpendingSerializer,
    SpendingUpdateSerializer,
)

if TYPE_CHECKING:
    from accounts.models import User

# `server_time` lags the clock: a change saved just before a sync reads, but committed just
# after, carries an earlier timestamp; the margin makes the next sync see it (again).
SYNC_MARGIN = timedelta(minutes=1)


def sync_time() -> datetime:
    """The time a syncing client sends back next as `updated_since` / `since`."""
    return timezone.now() - SYNC_MARGIN


def _funnel_row(user: User, pk: UUID) -> dict[str, Any]:
    """One funnel's row (404 if the member does not see it), as the API shows it."""
    rows = selectors.funnel_rows(user=user, pk=pk)
    if not rows:
        raise NotFound
    return FunnelSerializer(rows[0]).data


# --- funnels §5.3 --------------------------------------------------------------------------


class FunnelListView(APIView):
    @extend_schema(responses=FunnelSerializer(many=True), summary="List funnels")
    def get(self, request: Request) -> Response:
        """The member's funnels in display order, with this period's figures."""
        rows = selectors.funnel_rows(user=request.user)
        return Response(FunnelSerializer(rows, many=True).data)

    @extend_schema(
        request=FunnelInputSerializer, responses={201: FunnelSerializer}, summary="Create a funnel"
    )
    def post(self, request: Request) -> Response:
        """Create a personal funnel, or a shared one with `shared: true`."""
        data = validated(FunnelInputSerializer(data=request.data))
        funnel = services.funnel_create(user=request.user, **data)
        return Response(_funnel_row(request.user, funnel.pk), status=status.HTTP_201_CREATED)


class FunnelDetailView(APIView):
    @extend_schema(responses=FunnelSerializer, summary="Get a funnel")
    def get(self, request: Request, pk: UUID) -> Response:
        """One funnel with this period's figures."""
        return Response(_funnel_row(request.user, pk))

    @extend_schema(
        request=FunnelInputSerializer(partial=True),
        responses=FunnelSerializer,
        summary="Change a funnel",
    )
    def patch(self, request: Request, pk: UUID) -> Response:
        """Change any of name, emoji, colour, limit, position and shared."""
        funnel = selectors.funnel_visible_to(user=request.user, pk=pk)
        changes = validated(FunnelInputSerializer(data=request.data, partial=True))
        shared = changes.pop("shared", None)
        services.funnel_update(user=request.user, funnel=funnel, shared=shared, **changes)
        return Response(_funnel_row(request.user, funnel.pk))

    @extend_schema(
        parameters=[FunnelDeleteParamsSerializer],
        responses={204: None},
        summary="Delete a funnel",
    )
    def delete(self, request: Request, pk: UUID) -> Response:
        """Delete a funnel with its spendings, or move them first with `?move_to=<funnel id>`."""
        funnel = selectors.funnel_visible_to(user=request.user, pk=pk)
        params = validated(FunnelDeleteParamsSerializer(data=request.query_params))
        move_to = None
        if "move_to" in params:
            others = selectors.funnels_visible_to(user=request.user)
            move_to = others.filter(pk=params["move_to"]).first()
            if move_to is None:
                raise serializers.ValidationError({"move_to": ["No such funnel."]})
        services.funnel_delete(user=request.user, funnel=funnel, move_to=move_to)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- spendings §5.4 ------------------------------------------------------------------------


PAGE_SIZE_RANGE = "Use a whole number from 1 to {}."


class SpendingCursorPagination(CursorPagination):
    """Newest first; `server_time` is the `updated_since` to send on the next sync."""

    ordering = ("-spent_at", "-created_at")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        """`page_size` from 1 to max_page_size, or a 400 (DRF would quietly use the default for
        "abc" or 0 and cut 500 down to 200): what the schema states is what the server takes."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise serializers.ValidationError(
                {self.page_size_query_param: [PAGE_SIZE_RANGE.format(self.max_page_size)]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = f"Results per page (default {self.page_size})."
        return parameters

    def decode_cursor(self, request: Request) -> Any:
        """DRF's cursor, refusing a position that is not a datetime the database can take."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                position = parse_datetime(cursor.position)
                valid = position is not None and position.tzinfo is not None
                valid = valid and 1 < position.astimezone(UTC).year < 9999  # type: ignore[union-attr]
            except (ValueError, OverflowError):
                valid = False
            if not valid:
                raise NotFound(self.invalid_cursor_message)
        return cursor

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        # Taken before the rows are read, so nothing changed later is missed by a sync.
        self.server_time = sync_time()
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "server_time": serializers.DateTimeField().to_representation(self.server_time),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["server_time"] = {
            "type": "string",
            "format": "date-time",
            "description": "The `updated_since` of the next sync (a minute before this read).",
        }
        paginated["required"] = ["next", "previous", "server_time", "results"]
        return paginated


SPENDING_CREATE = ClientIdCreate(
    input=SpendingInputSerializer,
    output=SpendingSerializer,
    create=services.spending_create,
    create_idempotent=services.spending_create_idempotent,
    id_name="spending_id",
    conflict=services.SpendingIdConflict,
    taken="The id is taken by other data or was deleted.",
)


class SpendingListView(GenericAPIView):
    pagination_class = SpendingCursorPagination
    serializer_class = SpendingSerializer

    @extend_schema(
        parameters=[SpendingFilterSerializer],
        responses=SpendingSerializer(many=True),
        summary="List spendings",
    )
    def get(self, request: Request) -> Response:
        """Spendings the member can see, newest first, a page at a time (cursor)."""
        filters = validated(
            SpendingFilterSerializer(data=request.query_params, context={"request": request})
        )
        spendings = selectors.spendings_visible_to(user=request.user, **filters)
        page = self.paginate_queryset(spendings)
        return self.get_paginated_response(SpendingSerializer(page, many=True).data)

    @SPENDING_CREATE.schema(summary="Record a spending")
    def post(self, request: Request) -> Response:
        """Record a spending; with a client-chosen `id` a retry is safe (200, nothing new)."""
        return SPENDING_CREATE.respond(request)


@detail_schema(
    thing="a spending",
    one="One spending.",
    change="Change the amount, funnel, time or note of a spending.",
    delete="Delete a spending; syncing clients learn of it from spendings/deleted/.",
)
class SpendingDetailView(EntryDetailView):
    output = SpendingSerializer
    update_input = SpendingUpdateSerializer
    entry_name = "spending"
    lookup = staticmethod(selectors.spending_visible_to)
    update = staticmethod(services.spending_update)
    remove = staticmethod(services.spending_delete)


class DeletedSpendingsResponse(serializers.Serializer):
    server_time = serializers.DateTimeField(
        read_only=True, help_text="The `since` of the next sync (a minute before this read)."
    )
    results = DeletedSpendingSerializer(many=True, read_only=True)


class DeletedSpendingListView(APIView):
    @extend_schema(
        parameters=[DeletedFilterSerializer],
        responses={
            200: DeletedSpendingsResponse,
            410: error_answer("`since` is older than 90 days."),
        },
        summary="List deleted spendings (sync)",
    )
    def get(self, request: Request) -> Response:
        """Ids of spendings deleted (or moved out of sight) at or after `since`, oldest first."""
        query = DeletedFilterSerializer(data=request.query_params, context={"request": request})
        since = validated(query)["since"]
        if since < timezone.now() - TOMBSTONE_RETENTION:
            raise Gone(
                "Deletions are kept for 90 days only: sync again from scratch "
                "(GET spendings/ without updated_since)."
            )
        server_time = sync_time()
        tombstones = selectors.tombstones_since(user=request.user, since=since)
        return Response(
            DeletedSpendingsResponse({"server_time": server_time, "results": tombstones}).data
        )


# --- overview §5.5 -------------------------------------------------------------------------


class OverviewView(APIView):
    @extend_schema(
        parameters=[OverviewParamsSerializer],
        responses=OverviewSerializer,
        summary="Overview of a day",
    )
    def get(self, request: Request) -> Response:
        """The figures of docs/rules.md §2 on a day: period, funnels, totals, recent spendings."""
        params = validated(OverviewParamsSerializer(data=request.query_params))
        overview = selectors.overview_for(user=request.user, on=params.get("date"))
        return Response(OverviewSerializer(overview).data)


# --- schema links --------------------------------------------------------------------------


def funnel_links(funnel_id: str) -> dict[str, Any]:
    """OpenAPI links from an answer carrying a funnel (its id at the runtime expression
    `funnel_id`): spend from it, list its spendings. Schemathesis infers the links from an object
    to its own {id} operations; these it cannot guess from the names. A client (and the fuzz's
    stateful phase) can follow them."""
    return {
        "SpendFromIt": {
            "operationId": "spendings_create",
            "requestBody": {"funnel": funnel_id},
            "description": "Record a spending in this funnel.",
        },
        "ItsSpendings": {
            "operationId": "spendings_list",
            "parameters": {"query.funnel": funnel_id},
            "description": "The spendings of this funnel.",
        },
    }


def schema_links(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: funnel_links on the answers that carry a funnel."""
    for path, method, code, funnel_id in [
        ("/api/v1/funnels/", "post", "201", "$response.body#/id"),
        ("/api/v1/funnels/{id}/", "get", "200", "$response.body#/id"),
        ("/api/v1/funnels/", "get", "200", "$response.body#/0/id"),
    ]:
        response = result["paths"][path][method]["responses"][code]
        response.setdefault("links", {}).update(funnel_links(funnel_id))
    return result
