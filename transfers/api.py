"""REST API v1 of the export (docs/rules.md §9.1): `GET export/?format=csv|pdf&since=&until=&type=`.

The same rows and files as the page. Without dates it is everything the member can see; with one
of them the range is open on the other side.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from funnels.api_reports import DayParam
from funnels.serializers import QueryParamsSerializer
from transfers import export
from transfers.forms import ExportForm
from transfers.views import export_response


class JSONErrorsOnly(BaseContentNegotiation):
    """Errors are JSON; `format=` names the file, not a DRF renderer."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return JSONRenderer(), JSONRenderer.media_type


class ExportParams(QueryParamsSerializer):
    format = serializers.ChoiceField(choices=("csv", "pdf"), default="csv")
    since = DayParam(required=False, help_text="First day, inclusive (household time).")
    until = DayParam(required=False, help_text="Last day, inclusive (household time).")
    type = serializers.ChoiceField(choices=[value for value, _ in export.KINDS], default=export.ALL)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": "The last day cannot be before the first."})
        return attrs


class ExportView(APIView):
    """The member's spending and income in a range, as CSV or PDF."""

    content_negotiation_class = JSONErrorsOnly

    @extend_schema(
        parameters=[ExportParams],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="RFC 4180 CSV"),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            400: OpenApiResponse(description="A bad parameter, with a message per field."),
            401: OpenApiResponse(description="No or an expired token."),
        },
    )
    def get(self, request: Request) -> Any:
        params = ExportParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        form = ExportForm(
            {
                "range": export.CUSTOM,
                "since": data.get("since") or "2000-01-01",
                "until": data.get("until") or "2999-12-31",
                "type": data["type"],
            }
        )
        form.is_valid()
        return export_response(user=request.user, form=form, file_format=data["format"])
