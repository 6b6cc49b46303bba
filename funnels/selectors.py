"""Reads, shared by the pages, the API, the admin and the commands: what a member sees, and the
budget overview, each in a constant number of queries. Keyword-only, like the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from funnels import allowance, planned, rollover
from funnels.fields import MoneyField
from funnels.models import Funnel, Spending, SpendingTombstone

if TYPE_CHECKING:
    from accounts.models import Household, User

RECENT_LIMIT = 20


@dataclass(frozen=True)
class FunnelRow:
    funnel: Funnel
    figures: allowance.Figures


@dataclass(frozen=True)
class Overview:
    household: Household
    period: allowance.Period
    rows: list[FunnelRow]
    totals: allowance.Figures
    recent: list[Spending]
    upcoming: list[planned.Upcoming]


def local_today(*, household: Household) -> date:
    """Today's date in the household time zone."""
    return timezone.now().astimezone(household.tzinfo).date()


def period_of(*, household: Household, on: date | None = None) -> allowance.Period:
    """The budget period containing `on` (default: today in the household time zone)."""
    return allowance.period_for(on or local_today(household=household), household.period_start_day)


def funnels_visible_to(*, user: User) -> QuerySet[Funnel]:
    """The funnels a member sees, in display order."""
    return Funnel.objects.visible_to(user).select_related("owner").in_display_order()


def funnel_visible_to(*, user: User, pk: UUID | str) -> Funnel:
    """One funnel the member sees; Http404 for any other (or none)."""
    return get_object_or_404(funnels_visible_to(user=user), pk=pk)


def spending_visible_to(*, user: User, pk: UUID | str) -> Spending:
    """One spending the member sees, with its funnel and author; Http404 for any other."""
    spendings = Spending.objects.visible_to(user).select_related("funnel", "created_by")
    return get_object_or_404(spendings, pk=pk)


def funnels_with_sums(*, user: User, period: allowance.Period) -> QuerySet[Funnel]:
    """Visible funnels annotated with `period_spent` and `today_spent` (one query).

    One grouped LEFT JOIN on the period's spendings (an index range scan per funnel through
    `(funnel, spent_at, amount)`) with two conditional sums: cheaper to compile and to run than a
    correlated subquery per figure (README "Benchmark")."""
    tz = user.household.tzinfo
    start, end = period.bounds(tz)
    today_start, today_end = period.today_bounds(tz)
    in_period = FilteredRelation(
        "spendings", condition=Q(spendings__spent_at__gte=start, spendings__spent_at__lt=end)
    )
    today = Q(in_period__spent_at__gte=today_start, in_period__spent_at__lt=today_end)
    return (
        funnels_visible_to(user=user)
        .annotate(in_period=in_period)
        .annotate(
            period_spent=Coalesce(Sum("in_period__amount"), 0, output_field=MoneyField()),
            today_spent=Coalesce(
                Sum("in_period__amount", filter=today), 0, output_field=MoneyField()
            ),
        )
    )


def funnel_rows(
    *, user: User, period: allowance.Period | None = None, pk: UUID | None = None
) -> list[FunnelRow]:
    """Visible funnels (or the one with `pk`) with their figures for `period` (default: the
    current one): what the funnels/ API shows."""
    return funnel_rows_and_plans(user=user, period=period, pk=pk)[0]


def funnel_rows_and_plans(
    *, user: User, period: allowance.Period | None = None, pk: UUID | None = None
) -> tuple[list[FunnelRow], planned.PlannedView]:
    """Visible funnels (or the one with `pk`) with their figures for `period` (default: the
    current one), and their plans: one query for the funnels and their sums, one for the
    carries (§12.1) and two for the plans (§12.2), whatever their numbers."""
    household = user.household
    period = period or period_of(household=household)
    funnels = funnels_with_sums(user=user, period=period)
    if pk is not None:
        funnels = funnels.filter(pk=pk)
    funnels = list(funnels)
    carries = rollover.carries_in(household=household, funnels=funnels, period=period)
    plans = planned.planned_in(household=household, funnels=funnels, period=period)
    tz = household.tzinfo
    rows = [
        FunnelRow(
            funnel=funnel,
            figures=allowance.figures_for(
                limit=funnel.monthly_limit,
                spent=Decimal(funnel.period_spent),
                spent_today=Decimal(funnel.today_spent),
                period=period,
                mode=household.allowance_mode,
                created_on=funnel.created_at.astimezone(tz).date(),
                carry_in=carries[funnel.pk],
                planned_total=plans.sums[funnel.pk].total,
                planned=plans.sums[funnel.pk].reserved,
                planned_spent=plans.sums[funnel.pk].spent,
                planned_spent_today=plans.sums[funnel.pk].spent_today,
            ),
        )
        for funnel in funnels
    ]
    return rows, plans


def recent_spendings(
    *, user: User, period: allowance.Period, funnels: list[Funnel], limit: int = RECENT_LIMIT
) -> list[Spending]:
    """The newest spendings of the period in `funnels` (those the member sees, already loaded:
    the query needs no join, and each spending gets its funnel object from the list)."""
    start, end = period.bounds(user.household.tzinfo)
    by_id = {funnel.pk: funnel for funnel in funnels}
    # Limit, then join: the newest `limit` ids come from the (funnel, spent_at) index alone, and
    # only those rows meet the users table (joining first let the planner scan every user).
    newest = Spending.objects.filter(funnel_id__in=by_id).between(start, end).newest_first()
    recent = list(
        Spending.objects.filter(pk__in=newest.values("pk")[:limit])
        .select_related("created_by")
        .newest_first()
    )
    for spending in recent:
        spending.funnel = by_id[spending.funnel_id]
    return recent


def overview_for(*, user: User, on: date | None = None) -> Overview:
    """Everything the dashboard and the overview endpoint show, as of `on` (default today)."""
    household = user.household
    period = period_of(household=household, on=on)
    rows, plans = funnel_rows_and_plans(user=user, period=period)
    return Overview(
        household=household,
        period=period,
        rows=rows,
        totals=allowance.totals_of(row.figures for row in rows),
        recent=recent_spendings(user=user, period=period, funnels=[row.funnel for row in rows]),
        upcoming=plans.upcoming,
    )


# Not a possible username (those are letters, digits and . @ + - _ only).
FORMER_MEMBERS = "~former"


def spendings_visible_to(
    *,
    user: User,
    funnel: Funnel | UUID | None = None,
    member: str = "",
    since: date | None = None,
    until: date | None = None,
    updated_since: datetime | None = None,
) -> QuerySet[Spending]:
    """The spendings a member can see, newest first, filtered: the history page and the
    spendings/ API.

    `funnel` is a funnel or its id; `member` is a username, FORMER_MEMBERS for spendings of
    members who left, or "" for all; `since` and `until` are inclusive dates in the household
    time zone; `updated_since` keeps those created or changed since then (sync).

    Three queries: the visible funnels' ids, the page (no join: `visible_to_listed`), and its
    authors. Joined, the page's few rows met every funnel and every user of the database in a
    hash join whenever the planner could not stop at the page (a small household at 2M rows:
    45 of its 52 ms).
    """
    spendings = Spending.objects.visible_to_listed(user).prefetch_related("created_by")
    if funnel is not None:
        spendings = spendings.filter(funnel=funnel)
    spendings = filter_member_and_days(
        rows=spendings, author="created_by", at="spent_at", member=member, since=since, until=until,
        tz=user.household.tzinfo,
    )  # fmt: skip
    if updated_since is not None:
        spendings = spendings.filter(updated_at__gte=updated_since)
    return spendings.newest_first()


def filter_member_and_days[R: QuerySet](
    *, rows: R, author: str, at: str, member: str, since: date | None, until: date | None,
    tz: tzinfo,
) -> R:  # fmt: skip
    """Spendings or income of one member (`member` as in spendings_visible_to; the `author`
    field) between two inclusive local days (of the `at` field); "" and None filter nothing."""
    if member == FORMER_MEMBERS:
        rows = rows.filter(**{f"{author}__isnull": True})
    elif member:
        rows = rows.filter(**{f"{author}__username": member})
    if since is not None:
        rows = rows.filter(**{f"{at}__gte": allowance.local_midnight(since, tz)})
    if until is not None:
        rows = rows.filter(**{f"{at}__lt": allowance.local_midnight(until + timedelta(days=1), tz)})
    return rows


def tombstones_since(*, user: User, since: datetime) -> QuerySet[SpendingTombstone]:
    """Spendings deleted (or moved out of the member's sight) at or after `since`, oldest first.

    A spending moved out of a shared funnel leaves a tombstone for the other members; whoever
    still sees it is not told it is gone.
    """
    return (
        SpendingTombstone.objects.visible_to(user)
        .filter(deleted_at__gte=since)
        .exclude(id__in=Spending.objects.visible_to(user).values("id"))
        .order_by("deleted_at", "id")
    )
