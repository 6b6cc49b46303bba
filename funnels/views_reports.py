"""HTML views of the reports (docs/rules.md §8.3) and the calendar (§8.4)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET

from accounts.web import household_time, member_required
from funnels import charts
from funnels.allowance import EARLIEST_DATE, LATEST_DATE
from funnels.reports import (
    PeriodSummary,
    PeriodTotals,
    month_days,
    next_month,
    period_summary,
    period_trend,
    previous_month,
)
from funnels.selectors import local_today
from funnels.templatetags.money import money

WEEKDAYS = [
    ("Monday", "Mon"), ("Tuesday", "Tue"), ("Wednesday", "Wed"), ("Thursday", "Thu"),
    ("Friday", "Fri"), ("Saturday", "Sat"), ("Sunday", "Sun"),
]  # fmt: skip
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class BadParameter(ValueError):
    """A query parameter that is malformed or out of range; the message says which."""


def parse_day(value: str | None) -> date | None:
    """A `YYYY-MM-DD` parameter (None when absent); BadParameter otherwise."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise BadParameter("Use a date like 2026-11-22.")
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise BadParameter("Pick a date between 2000-01-01 and 2999-12-31.")
    return day


def parse_month(value: str | None) -> date | None:
    """A `YYYY-MM` parameter as the month's first day (None when absent); BadParameter else."""
    if value is None:
        return None
    match = MONTH.match(value.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise BadParameter("Use a month like 2026-11.")
    first = date(int(match[1]), int(match[2]), 1)
    if not EARLIEST_DATE <= first <= LATEST_DATE:
        raise BadParameter("Pick a month between 2000-01 and 2999-12.")
    return first


def _problem(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "funnels/problem.html", {"message": message}, status=400)


def _charts(summary: PeriodSummary, trend: list[PeriodTotals]) -> dict[str, object]:
    label_every = 7 if len(summary.by_day) > 10 else 1
    cash_flow = charts.bar_chart(
        [
            (str(flow.day.day), [(flow.income, "money-in"), (flow.spent, "money-out")])
            for flow in summary.by_day
        ],
        label_every=label_every,
    )
    daily = charts.bar_chart(
        [
            (
                str(flow.day.day),
                [(flow.spent, "money-out over" if flow.spent > summary.pace else "money-out")],
            )
            for flow in summary.by_day
        ],
        line=summary.pace,
        label_every=label_every,
    )
    trend_chart = charts.bar_chart(
        [
            (
                entry.start.strftime("%b"),
                [(entry.income, "money-in"), (entry.spent, "money-out"), (entry.limit, "limit")],
            )
            for entry in trend
        ]
    )
    slices = charts.donut(
        [(row.funnel.name, row.funnel.color, row.spent) for row in summary.by_funnel]
    )
    busiest = max(summary.by_day, key=lambda flow: flow.spent)
    over_days = sum(1 for flow in summary.by_day if flow.spent > summary.pace)
    days = len(summary.by_day)
    return {
        "flow_desc": (
            f"Income {money(summary.income)} and spending {money(summary.spent)} over {days} "
            f"day{pluralize(days)}; the table below has each day."
        ),
        "daily_desc": (
            f"Spending per day against a pace of {money(summary.pace)} a day: {over_days} "
            f"day{pluralize(over_days)} above it"
            + (
                f"; the most, {money(busiest.spent)}, on {busiest.day:%d %b}."
                if busiest.spent
                else "."
            )
        ),
        "trend_desc": "; ".join(
            f"{entry.start:%b %Y}: income {money(entry.income)}, spent {money(entry.spent)}, "
            f"limit {money(entry.limit)}"
            for entry in trend
        ),
        "cash_flow": cash_flow,
        "daily": daily,
        "trend_chart": trend_chart,
        "slices": slices,
        "busiest": busiest,
    }


@require_GET
@member_required
@household_time
def reports(request: HttpRequest) -> HttpResponse:
    """One period's money in and out: summary cards, cash flow, daily pace, funnels, trend."""
    try:
        on = parse_day(request.GET.get("date")) or local_today(household=request.user.household)
    except BadParameter as exc:
        return _problem(request, str(exc))
    summary = period_summary(user=request.user, on=on)
    trend = period_trend(user=request.user, on=on)
    period = summary.period
    previous = period.start - timedelta(days=1)
    context = {
        "summary": summary,
        "period": period,
        "trend": trend,
        "currency": request.user.household.currency,
        "previous": previous if previous >= EARLIEST_DATE else None,
        "next": period.end if period.end <= LATEST_DATE else None,
        **_charts(summary, trend),
    }
    return render(request, "funnels/reports.html", context)


@require_GET
@member_required
@household_time
def calendar(request: HttpRequest) -> HttpResponse:
    """A Monday-first month grid with each day's spending and income."""
    household = request.user.household
    today = local_today(household=household)
    try:
        first = parse_month(request.GET.get("month")) or today.replace(day=1)
    except BadParameter as exc:
        return _problem(request, str(exc))
    month = month_days(user=request.user, month=first)
    weeks: list[list[object]] = []
    week: list[object] = [None] * first.weekday()
    for flow in month.days:
        week.append(flow)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    start_day = household.period_start_day
    previous, following = previous_month(first), next_month(first)
    context = {
        "month": month,
        "weeks": weeks,
        "today": today,
        "start_day": start_day,
        "weekdays": WEEKDAYS,
        "month_name": f"{first:%B}",
        "currency": household.currency,
        "spent": sum(flow.spent for flow in month.days),
        "income": sum(flow.income for flow in month.days),
        "previous": previous if previous >= EARLIEST_DATE else None,
        "next": following if following <= LATEST_DATE else None,
    }
    return render(request, "funnels/calendar.html", context)
