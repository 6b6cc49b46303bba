"""Rollover (docs/rules.md §12.1): closing ended periods and the carry into a period.

A closing row per funnel and ended period keeps the limit, policy and cap then in force; the
carry follows from those rows and the spendings of their periods (summed in the same query), so
a spending added to a closed period moves its carry and a later limit change does not. Periods
are closed by the daily job and, lazily, whenever a period's figures are needed: in order, and
exactly once (a unique (funnel, period_start) row; concurrent closers write the same rows and
all but one insert are ignored). Rollover starts with the period after the funnel's creation
(§11.5): the period of creation is the first one closed, and nothing carries into it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db.models import Case, Count, Exists, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Household
from funnels import allowance
from funnels.fields import MoneyField
from funnels.models import Funnel, PeriodClose, Rollover, Spending


def ended_periods(
    *, created_on: date, before: allowance.Period, start_day: int
) -> list[allowance.Period]:
    """The periods from the one containing `created_on` up to (not including) `before`."""
    periods = []
    period = allowance.period_for(created_on, start_day)
    while period.start < before.start:
        periods.append(period)
        period = allowance.period_for(period.end, start_day)
    return periods


def period_closes_write(
    *, household: Household, funnels: Iterable[Funnel], before: allowance.Period
) -> int:
    """Close every ended period of `funnels` before `before` that has no closing row yet, with
    the limit and policy in force now; returns how many rows were new to this call."""
    tz = household.tzinfo
    funnels = list(funnels)
    have = set(
        PeriodClose.objects.filter(funnel__in=funnels, period_start__lt=before.start).values_list(
            "funnel_id", "period_start"
        )
    )
    rows = []
    for funnel in funnels:
        created_on = funnel.created_at.astimezone(tz).date()
        for period in ended_periods(
            created_on=created_on, before=before, start_day=household.period_start_day
        ):
            if (funnel.pk, period.start) in have:
                continue
            starts_at, ends_at = period.bounds(tz)
            rows.append(
                PeriodClose(
                    funnel=funnel,
                    period_start=period.start,
                    period_end=period.end,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    monthly_limit=funnel.monthly_limit,
                    rollover=funnel.rollover,
                    rollover_cap=funnel.rollover_cap,
                )
            )
    # Oldest first; a row another request wrote meanwhile is left as it is.
    PeriodClose.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _closes_with_spent(
    funnel_ids: list[UUID], before: date
) -> list[tuple[UUID, int, str, Decimal | None, Decimal, Decimal]]:
    """The closed periods before `before` that a funnel's carry depends on, oldest first per
    funnel, as (funnel id, how many it has closed in all, policy, cap, limit, spent): one query.

    A period closed under `none` carries nothing out whatever came before it, so a funnel's
    chain starts again at its last such close: the closes before it are not read, and only
    those after it have their spendings summed. Reading and summing every closed period of
    every funnel on each request was most of the dashboard's time in a household of some
    years (README "Benchmark").
    """
    spent = (
        Spending.objects.filter(
            funnel=OuterRef("funnel_id"),
            spent_at__gte=OuterRef("starts_at"),
            spent_at__lt=OuterRef("ends_at"),
        )
        .order_by()
        .values("funnel")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    closes = PeriodClose.objects.filter(funnel_id=OuterRef("funnel_id"), period_start__lt=before)
    closed = closes.order_by().values("funnel_id").annotate(n=Count("pk")).values("n")
    reset_later = closes.filter(period_start__gt=OuterRef("period_start"), rollover=Rollover.NONE)
    money = MoneyField()
    return list(
        PeriodClose.objects.filter(funnel_id__in=funnel_ids, period_start__lt=before)
        .exclude(Exists(reset_later))
        .annotate(
            closed=Subquery(closed),
            spent=Case(
                When(rollover=Rollover.NONE, then=Value(0, output_field=money)),
                default=Coalesce(Subquery(spent), 0, output_field=money),
                output_field=money,
            ),
        )
        .order_by("funnel_id", "period_start")
        .values_list("funnel_id", "closed", "rollover", "rollover_cap", "monthly_limit", "spent")
    )


def carries_in(
    *, household: Household, funnels: list[Funnel], period: allowance.Period
) -> dict[UUID, Decimal]:
    """What carries into `period` for each of `funnels`, closing missed periods first: one
    query when nothing is missing, whatever the number of closed periods.

    Only periods that have really ended are closed: asked about a future period, the carry is
    what has carried in so far (the current period's), so a far-off date cannot make a request
    write thousands of closing rows.
    """
    today = timezone.localtime(timezone.now(), household.tzinfo).date()
    current = allowance.period_for(today, household.period_start_day)
    if period.start > current.start:
        period = current
    ids = [funnel.pk for funnel in funnels]
    closes = _closes_with_spent(ids, period.start)
    count: dict[UUID, int] = defaultdict(int)
    for funnel_id, closed, *_close in closes:
        count[funnel_id] = closed
    tz = household.tzinfo
    ended: dict[date, int] = {}  # by day of creation: funnels mostly share a few
    missing = []
    for funnel in funnels:
        created_on = funnel.created_at.astimezone(tz).date()
        if created_on not in ended:
            ended[created_on] = len(
                ended_periods(
                    created_on=created_on, before=period, start_day=household.period_start_day
                )
            )
        if count[funnel.pk] != ended[created_on]:
            missing.append(funnel)
    if missing:
        period_closes_write(household=household, funnels=missing, before=period)
        closes = _closes_with_spent(ids, period.start)
    chains: dict[UUID, list[tuple[str, Decimal | None, Decimal, Decimal]]] = defaultdict(list)
    for funnel_id, _closed, policy, cap, limit, spent in closes:
        chains[funnel_id].append((policy, cap, limit, Decimal(spent)))
    carries = {}
    for funnel_id in ids:
        chain = allowance.carry_chain(closes=chains[funnel_id])
        carries[funnel_id] = chain[-1] if chain else allowance.ZERO
    return carries


def period_closes_daily(*, day: date) -> int:
    """The daily job: close every funnel's periods that ended by `day` in each household."""
    written = 0
    for household in Household.objects.all():
        # The server's date may be ahead of the household's: never close its current period.
        local_today = timezone.now().astimezone(household.tzinfo).date()
        period = allowance.period_for(min(day, local_today), household.period_start_day)
        written += period_closes_write(
            household=household, funnels=Funnel.objects.filter(household=household), before=period
        )
    return written


def period_closes_reset(*, household: Household) -> int:
    """Forget the household's closed periods after its calendar changed (start day or time zone).

    Closing rows are keyed by the old calendar's periods; kept beside the new calendar's they
    would overlap and count spendings twice. They are written again, in order and under the new
    calendar, the next time the figures are needed (with the limits then in force).
    """
    return PeriodClose.objects.filter(funnel__household=household).delete()[0]
