"""Reads about money in and out (docs/rules.md §8.2–8.6): the period summary, the trend of past
periods, a month's days for the calendar, and income source suggestions.

Every selector runs a fixed number of queries whatever the number of rows: sums are SQL
aggregates over integer cents (exact on SQLite and PostgreSQL), grouped by the local date in the
household time zone, and the math on them is Decimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from funnels import allowance
from funnels.fields import MoneyField
from funnels.models import Funnel, Income, Spending
from funnels.selectors import filter_member_and_days, spendings_visible_to

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from accounts.models import Household, User

RECENT_SOURCES = 8
TREND_PERIODS = 6
ZERO = Decimal("0.00")
PERCENT = Decimal("0.1")


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole` to one decimal (None when `whole` is not positive)."""
    if whole <= 0:
        return None
    return (part * 100 / whole).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FunnelShare:
    """One funnel's part of a period's spending (the 'by funnel' chart and table)."""

    funnel: Funnel
    spent: Decimal
    count: int
    limit: Decimal
    share: Decimal | None  # percent of all spending in the period
    limit_used: Decimal | None  # percent of the funnel's limit

    @property
    def remaining(self) -> Decimal:
        return self.limit - self.spent

    @property
    def over_by(self) -> Decimal:
        return max(self.spent - self.limit, ZERO)


class MoneyInAndOut:
    """What was spent and what came in; `balance` is their difference."""

    spent: Decimal
    income: Decimal

    @property
    def balance(self) -> Decimal:
        return self.income - self.spent


@dataclass(frozen=True)
class DayFlow(MoneyInAndOut):
    """Money out and in on one local day."""

    day: date
    spent: Decimal
    income: Decimal

    @property
    def iso(self) -> str:
        """2026-11-03: for links (cheaper than the template's date filter, 60 times a page)."""
        return self.day.isoformat()

    @property
    def label(self) -> str:
        """Tue 3 Nov."""
        return f"{self.day:%a} {self.day.day} {self.day:%b}"


@dataclass(frozen=True)
class PeriodSummary(MoneyInAndOut):
    """What a member sees of a period: the figures of §8.2 and the series of the reports page."""

    period: allowance.Period
    income: Decimal
    spent: Decimal
    limit: Decimal
    count: int
    by_funnel: list[FunnelShare]
    by_day: list[DayFlow]

    @property
    def remaining(self) -> Decimal:
        return self.limit - self.spent

    @property
    def over_budget(self) -> list[FunnelShare]:
        """Funnels whose remaining is below zero, most over first."""
        over = [row for row in self.by_funnel if row.remaining < 0]
        return sorted(over, key=lambda row: row.remaining)

    @property
    def pace(self) -> Decimal:
        """The straight-line daily pace L/N of the visible limits, to the cent."""
        return (self.limit / self.period.days_total).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class PeriodTotals:
    """One period of the trend."""

    period: allowance.Period
    income: Decimal
    spent: Decimal
    limit: Decimal

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.last_day


def next_month(first: date) -> date:
    """The first day of the month after the one starting on `first`."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    """The first day of the month before the one starting on `first`."""
    return (first - timedelta(days=1)).replace(day=1)


def _money(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


def _days(start: date, end: date) -> list[date]:
    """The dates of [start, end)."""
    return [start + timedelta(days=n) for n in range((end - start).days)]


def _sums_by_day(
    rows: QuerySet[Any], field: str, tz: ZoneInfo, start: datetime, end: datetime
) -> dict[date, Decimal]:
    """{local date: sum of amount} of `rows` with `field` in [start, end): one query."""
    grouped = (
        rows.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(day=TruncDate(field, tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(total=Sum("amount"))
        .values_list("day", "total")
    )
    return {day: _money(total) for day, total in grouped}


def _visible_spendings(user: User) -> QuerySet[Spending]:
    """Spendings of the funnels the member sees, as `funnel IN (subquery)` rather than a join:
    the range scans then run on the (funnel, spent_at, amount) index alone (about twice as
    fast on the benchmark data set)."""
    return Spending.objects.filter(funnel__in=Funnel.objects.visible_to(user).values("pk"))


def _funnel_sums(user: User, start: datetime, end: datetime) -> QuerySet[Funnel]:
    """Visible funnels in display order with `period_spent` and `period_count` (one query)."""
    spendings = Spending.objects.filter(
        funnel=OuterRef("pk"), spent_at__gte=start, spent_at__lt=end
    ).order_by()
    total = spendings.values("funnel").annotate(total=Sum("amount")).values("total")
    count = spendings.values("funnel").annotate(count=Count("pk")).values("count")
    return (
        Funnel.objects.visible_to(user)
        .select_related("owner")
        .in_display_order()
        .annotate(
            period_spent=Coalesce(Subquery(total), 0, output_field=MoneyField()),
            period_count=Coalesce(Subquery(count), 0),
        )
    )


def period_summary(*, user: User, on: date) -> PeriodSummary:
    """The period containing `on` as `user` sees it: three queries whatever the rows."""
    household: Household = user.household
    tz = household.tzinfo
    period = allowance.period_for(on, household.period_start_day)
    start, end = period.bounds(tz)
    funnels = list(_funnel_sums(user, start, end))
    spent = sum((_money(f.period_spent) for f in funnels), ZERO)
    by_funnel = [
        FunnelShare(
            funnel=f,
            spent=_money(f.period_spent),
            count=f.period_count,
            limit=f.monthly_limit,
            share=percent(_money(f.period_spent), spent),
            limit_used=percent(_money(f.period_spent), f.monthly_limit),
        )
        for f in funnels
    ]
    out = _sums_by_day(_visible_spendings(user), "spent_at", tz, start, end)
    came_in = _sums_by_day(Income.objects.visible_to(user), "received_at", tz, start, end)
    by_day = [
        DayFlow(day=day, spent=out.get(day, ZERO), income=came_in.get(day, ZERO))
        for day in _days(period.start, period.end)
    ]
    return PeriodSummary(
        period=period,
        income=sum(came_in.values(), ZERO),
        spent=spent,
        limit=sum((f.monthly_limit for f in funnels), ZERO),
        count=sum(row.count for row in by_funnel),
        by_funnel=by_funnel,
        by_day=by_day,
    )


def period_trend(*, user: User, on: date, periods: int = TREND_PERIODS) -> list[PeriodTotals]:
    """The `periods` periods up to the one containing `on`, oldest first: income, spending and
    the visible limits of each (today's limits: limits keep no history). Three queries."""
    household: Household = user.household
    tz = household.tzinfo
    spans = [allowance.period_for(on, household.period_start_day)]
    while len(spans) < periods:
        before = spans[0].start - timedelta(days=1)
        spans.insert(0, allowance.period_for(before, household.period_start_day))
    bounds = [span.bounds(tz) for span in spans]
    first, last = bounds[0][0], bounds[-1][1]

    def sums(rows: QuerySet[Any], field: str) -> list[Decimal]:
        aggregates = {
            f"p{index}": Sum("amount", filter=Q(**{f"{field}__gte": lo, f"{field}__lt": hi}))
            for index, (lo, hi) in enumerate(bounds)
        }
        totals = rows.filter(**{f"{field}__gte": first, f"{field}__lt": last}).aggregate(
            **aggregates
        )
        return [_money(totals[f"p{index}"]) for index in range(len(bounds))]

    spent = sums(_visible_spendings(user), "spent_at")
    income = sums(Income.objects.visible_to(user), "received_at")
    limit = _money(Funnel.objects.visible_to(user).aggregate(total=Sum("monthly_limit"))["total"])
    return [
        PeriodTotals(period=span, income=income[i], spent=spent[i], limit=limit)
        for i, span in enumerate(spans)
    ]


@dataclass(frozen=True)
class MonthDays:
    """A calendar month: its first day and the money out and in on each of its days."""

    month: date
    days: list[DayFlow]


def month_days(*, user: User, month: date) -> MonthDays:
    """Spending and income of each local day of `month` (its first day): two queries."""
    tz = user.household.tzinfo
    first = month.replace(day=1)
    following = next_month(first)
    start, end = allowance.local_midnight(first, tz), allowance.local_midnight(following, tz)
    out = _sums_by_day(_visible_spendings(user), "spent_at", tz, start, end)
    came_in = _sums_by_day(Income.objects.visible_to(user), "received_at", tz, start, end)
    days = [
        DayFlow(day=day, spent=out.get(day, ZERO), income=came_in.get(day, ZERO))
        for day in _days(first, following)
    ]
    return MonthDays(month=first, days=days)


def income_sources_recent(*, user: User, limit: int = RECENT_SOURCES) -> list[str]:
    """The member's last distinct income sources, newest first (suggestions for the form)."""
    rows = (
        Income.objects.filter(household_id=user.household_id, received_by=user)
        .order_by("-created_at")
        .values_list("source", flat=True)[: limit * 5]
    )
    sources: list[str] = []
    for source in rows:
        if source not in sources:
            sources.append(source)
    return sources[:limit]


# --- history: spendings and income together (docs/rules.md §8.6) ------------------------------

SPENDING = "spending"
INCOME = "income"


@dataclass(frozen=True)
class HistoryTotals(MoneyInAndOut):
    """Sum and count of each type of what the history shows (all pages, not just this one)."""

    spent: Decimal
    spent_count: int
    income: Decimal
    income_count: int


def _history_querysets(
    *,
    user: User,
    kind: str = "",
    funnel: Funnel | None = None,
    member: str = "",
    since: date | None = None,
    until: date | None = None,
) -> tuple[QuerySet[Spending], QuerySet[Income]]:
    """The filtered spendings and income a member sees. Income has no funnel, so a funnel
    filter leaves only spendings; `kind` leaves only one type."""
    spendings = spendings_visible_to(
        user=user, funnel=funnel, member=member, since=since, until=until
    ).select_related(None)
    incomes = filter_member_and_days(
        rows=Income.objects.visible_to(user), author="received_by", at="received_at", member=member,
        since=since, until=until, tz=user.household.tzinfo,
    )  # fmt: skip
    if funnel is not None:
        incomes = incomes.none()
    if kind == INCOME:
        spendings = spendings.none()
    elif kind == SPENDING:
        incomes = incomes.none()
    return spendings, incomes


def history_rows(*, user: User, **filters: Any) -> QuerySet[Any]:
    """Spendings and income the member sees, newest first, as (id, kind, at, created_at) rows
    of one UNION query that a paginator can count and slice. Filters as `_history_querysets`."""
    spendings, incomes = _history_querysets(user=user, **filters)
    spending_rows = (
        spendings.order_by()
        .annotate(kind=Value(SPENDING, output_field=CharField()), at=F("spent_at"))
        .values_list("id", "created_at", "kind", "at")
    )
    income_rows = (
        incomes.order_by()
        .annotate(kind=Value(INCOME, output_field=CharField()), at=F("received_at"))
        .values_list("id", "created_at", "kind", "at")
    )
    return spending_rows.union(income_rows, all=True).order_by("-at", "-created_at", "-id")


def history_objects(*, rows: Sequence[tuple[Any, ...]]) -> list[Spending | Income]:
    """The spendings and income of a page of `history_rows`, in its order (two queries); each
    has `kind` set to SPENDING or INCOME."""
    spending_ids = [row[0] for row in rows if row[2] == SPENDING]
    income_ids = [row[0] for row in rows if row[2] == INCOME]
    found: dict[Any, Spending | Income] = {}
    if spending_ids:
        for spending in Spending.objects.filter(pk__in=spending_ids).select_related(
            "funnel", "created_by"
        ):
            spending.kind = SPENDING
            found[spending.pk] = spending
    if income_ids:
        for income in Income.objects.filter(pk__in=income_ids).select_related("received_by"):
            income.kind = INCOME
            found[income.pk] = income
    return [found[row[0]] for row in rows if row[0] in found]


def history_totals(*, user: User, **filters: Any) -> HistoryTotals:
    """Sum and count of the filtered spendings and income (two queries)."""
    spendings, incomes = _history_querysets(user=user, **filters)
    spent = spendings.aggregate(total=Sum("amount"), count=Count("pk"))
    came_in = incomes.aggregate(total=Sum("amount"), count=Count("pk"))
    return HistoryTotals(
        spent=_money(spent["total"]),
        spent_count=spent["count"],
        income=_money(came_in["total"]),
        income_count=came_in["count"],
    )
