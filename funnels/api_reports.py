"""REST API v1 of the reports and the calendar (docs/rules.md §8.6).

`reports/summary/?date=` is the period summary with the series of the reports page,
`reports/trend/?periods=` the last periods, `calendar/?month=` a month's days. Each runs a
constant number of queries. Parameters are strict: present but empty is an error, not absent.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.api import validated
from funnels.reports import TREND_PERIODS, month_days, period_summary, period_trend
from funnels.selectors import local_today
from funnels.serializers import (
    DATE_PATTERN,
    DateParam,
    MoneyReadField,
    PeriodSerializer,
    QueryParamsSerializer,
)

MAX_PERIODS = 24
MONTH_PATTERN = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"
PERCENT = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^[0-9]+\.[0-9]$",
    "nullable": True,
    "example": "12.5",
}


@extend_schema_field(
    {
        "type": "string",
        "format": "date",
        "pattern": DATE_PATTERN,
        "description": "A day from 2000-01-01 to 2999-12-31 (default: today, household time).",
    }
)
class DayParam(DateParam):
    """The funnels DateParam, described with its default."""


@extend_schema_field(
    {
        "type": "string",
        "pattern": MONTH_PATTERN,
        "example": "2026-11",
        "description": "A month YYYY-MM from 2000-01 to 2999-12 (default: this month).",
    }
)
class MonthParam(serializers.Field):
    default_error_messages = {"invalid": "Use a month like 2026-11, from 2000-01 to 2999-12."}

    def to_internal_value(self, value: Any) -> date:
        if not isinstance(value, str) or not re.fullmatch(MONTH_PATTERN, value):
            self.fail("invalid")
        return date(int(value[:4]), int(value[5:7]), 1)

    def to_representation(self, value: date) -> str:
        return value.strftime("%Y-%m")


class PeriodsParam(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        # DRF would take "6.0" or " 6"; the schema says digits.
        if not isinstance(data, str) or not re.fullmatch(r"-?[0-9]{1,6}", data):
            self.fail("invalid")
        return super().to_internal_value(data)


class SummaryParams(QueryParamsSerializer):
    date = DayParam(required=False)


class TrendParams(QueryParamsSerializer):
    date = DayParam(required=False, help_text="A day of the last period (default: today).")
    periods = PeriodsParam(
        required=False,
        min_value=1,
        max_value=MAX_PERIODS,
        help_text=f"How many periods, 1–{MAX_PERIODS} (default {TREND_PERIODS}).",
    )


class CalendarParams(QueryParamsSerializer):
    month = MonthParam(required=False)


# --- answers ---------------------------------------------------------------------------------


@extend_schema_field(PERCENT)
class PercentField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return None if value is None else f"{value:.1f}"


class OverBudgetSerializer(serializers.Serializer):
    funnel = serializers.UUIDField(source="funnel.id", read_only=True)
    over_by = MoneyReadField(help_text="How far the period's spending is above the limit.")


class FunnelShareSerializer(serializers.Serializer):
    funnel = serializers.UUIDField(source="funnel.id", read_only=True)
    name = serializers.CharField(source="funnel.name", read_only=True)
    emoji = serializers.CharField(source="funnel.emoji", read_only=True)
    color = serializers.CharField(source="funnel.color", read_only=True)
    spent = MoneyReadField()
    count = serializers.IntegerField(read_only=True)
    limit = MoneyReadField()
    share = PercentField(
        help_text="Percent of all the period's spending (null when nothing was spent)."
    )
    limit_used = PercentField(help_text="Percent of the funnel's limit (null for a limit of 0).")


class DayFlowSerializer(serializers.Serializer):
    date = serializers.DateField(source="day", read_only=True)
    spent = MoneyReadField()
    income = MoneyReadField()


class SummarySerializer(serializers.Serializer):
    """A period as a member sees it: §8.2's figures and the series of the reports page."""

    period = PeriodSerializer(read_only=True)
    income = MoneyReadField()
    spent = MoneyReadField()
    balance = MoneyReadField()
    limit = MoneyReadField(help_text="Sum of the visible funnels' limits.")
    remaining = MoneyReadField()
    count = serializers.IntegerField(read_only=True, help_text="How many spendings.")
    pace = MoneyReadField(help_text="The straight-line daily pace: limit / days in the period.")
    over_budget = OverBudgetSerializer(many=True, read_only=True)
    by_funnel = FunnelShareSerializer(many=True, read_only=True)
    by_day = DayFlowSerializer(many=True, read_only=True)


class TrendEntrySerializer(serializers.Serializer):
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True, help_text="Inclusive.")
    income = MoneyReadField()
    spent = MoneyReadField()
    limit = MoneyReadField(help_text="Today's limits: limits keep no history.")


class CalendarSerializer(serializers.Serializer):
    month = MonthParam(read_only=True)
    days = DayFlowSerializer(many=True, read_only=True)


class SummaryView(APIView):
    @extend_schema(
        parameters=[SummaryParams], responses=SummarySerializer, summary="Period summary"
    )
    def get(self, request: Request) -> Response:
        """The period containing `date`: income, spending, balance, limits, the funnels over
        budget, spending by funnel and money out and in per day."""
        params = validated(SummaryParams(data=request.query_params))
        on = params.get("date") or local_today(household=request.user.household)
        return Response(SummarySerializer(period_summary(user=request.user, on=on)).data)


class TrendView(APIView):
    @extend_schema(
        parameters=[TrendParams], responses=TrendEntrySerializer(many=True), summary="Trend"
    )
    def get(self, request: Request) -> Response:
        """The last `periods` periods up to the one containing `date`, oldest first."""
        params = validated(TrendParams(data=request.query_params))
        on = params.get("date") or local_today(household=request.user.household)
        trend = period_trend(user=request.user, on=on, periods=params.get("periods", TREND_PERIODS))
        return Response(TrendEntrySerializer(trend, many=True).data)


class CalendarView(APIView):
    @extend_schema(parameters=[CalendarParams], responses=CalendarSerializer, summary="Calendar")
    def get(self, request: Request) -> Response:
        """Each day of a month with the spending and income on it (local dates)."""
        params = validated(CalendarParams(data=request.query_params))
        first = params.get("month") or local_today(household=request.user.household).replace(day=1)
        return Response(CalendarSerializer(month_days(user=request.user, month=first)).data)
