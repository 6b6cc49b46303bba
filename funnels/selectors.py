"""Reads that compute: the budget overview a member sees, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from funnels import budget
from funnels.fields import MoneyField
from funnels.models import Funnel, Spending

if TYPE_CHECKING:
    from accounts.models import Household, User

RECENT_LIMIT = 20


@dataclass(frozen=True)
class FunnelRow:
    funnel: Funnel
    figures: budget.Figures


@dataclass(frozen=True)
class Overview:
    household: Household
    period: budget.Period
    rows: list[FunnelRow]
    totals: budget.Figures
    recent: list[Spending]


def local_today(household: Household) -> date:
    """Today's date in the household time zone."""
    return timezone.now().astimezone(household.tzinfo).date()


def funnels_visible_to(user: User) -> QuerySet[Funnel]:
    """The funnels a member sees, in display order."""
    return Funnel.objects.visible_to(user).select_related("owner").in_display_order()


def funnels_with_sums(user: User, period: budget.Period) -> QuerySet[Funnel]:
    """Visible funnels annotated with `period_spent` and `today_spent` (one query)."""
    tz = user.household.tzinfo
    start, end = period.bounds(tz)
    today_start, today_end = period.today_bounds(tz)
    in_period = Q(spendings__spent_at__gte=start, spendings__spent_at__lt=end)
    on_today = Q(spendings__spent_at__gte=today_start, spendings__spent_at__lt=today_end)
    return funnels_visible_to(user).annotate(
        period_spent=Coalesce(
            Sum("spendings__amount", filter=in_period), 0, output_field=MoneyField()
        ),
        today_spent=Coalesce(
            Sum("spendings__amount", filter=on_today), 0, output_field=MoneyField()
        ),
    )


def figures_of(funnel: Funnel, period: budget.Period, mode: str) -> budget.Figures:
    """The §2 figures of a funnel annotated by funnels_with_sums."""
    return budget.figures_for(
        limit=funnel.monthly_limit,
        spent=Decimal(funnel.period_spent),
        spent_today=Decimal(funnel.today_spent),
        period=period,
        mode=mode,
    )


def recent_spendings(
    user: User, period: budget.Period, limit: int = RECENT_LIMIT
) -> list[Spending]:
    """The newest spendings of the period that the member can see."""
    start, end = period.bounds(user.household.tzinfo)
    return list(
        Spending.objects.visible_to(user)
        .between(start, end)
        .select_related("funnel", "created_by")
        .newest_first()[:limit]
    )


def overview_for(user: User, on: date | None = None) -> Overview:
    """Everything the dashboard and the overview endpoint show, as of `on` (default today)."""
    household = user.household
    period = budget.period_for(on or local_today(household), household.period_start_day)
    rows = [
        FunnelRow(funnel=f, figures=figures_of(f, period, household.allowance_mode))
        for f in funnels_with_sums(user, period)
    ]
    return Overview(
        household=household,
        period=period,
        rows=rows,
        totals=budget.totals_of(row.figures for row in rows),
        recent=recent_spendings(user, period),
    )
