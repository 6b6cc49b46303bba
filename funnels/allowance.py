"""Budget math of docs/rules.md §2, pure: no ORM, no clock, exact Decimal/Fraction arithmetic.

The mode names are the household's AllowanceMode choices (the one list of them).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import NotRequired, TypedDict, Unpack

from accounts.models import AllowanceMode
from funnels.models import Repeat, Rollover

ZERO = Decimal("0.00")
# The days a budget can be about: input outside them is refused (nobody budgets in year 1, and
# local-time arithmetic near datetime.min/max would overflow).
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    """The budget period [start, end) that contains `today`."""

    start: date
    end: date  # exclusive: the first day of the next period
    today: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days_total(self) -> int:
        """N: the number of days in the period."""
        return (self.end - self.start).days

    @property
    def day(self) -> int:
        """d: today's 1-based day in the period."""
        return (self.today - self.start).days + 1

    @property
    def days_left(self) -> int:
        """r: the number of days after today."""
        return self.days_total - self.day

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """The period as aware datetimes: local midnights in the household time zone."""
        return local_midnight(self.start, tz), local_midnight(self.end, tz)

    def today_bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """Today as aware datetimes: [local midnight, next local midnight)."""
        return local_midnight(self.today, tz), local_midnight(self.today + timedelta(days=1), tz)


def counted_from(period: Period, created_on: date | None) -> Period:
    """The period as a funnel created on `created_on` counts it (docs/rules.md §11.5).

    A funnel created inside the period counts it from its creation day (start `P'`), but only
    for dates on or after that day; an earlier period, a later one or a day before the funnel
    existed keeps the whole period, so past look-ups answer as in §2.
    """
    if created_on is None or not period.start < created_on <= period.today:
        return period
    return Period(start=created_on, end=period.end, today=period.today)


def local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def period_for(today: date, start_day: int) -> Period:
    """The period containing `today` for a household whose periods start on `start_day`."""
    if not 1 <= start_day <= 28:
        raise ValueError(f"start_day must be 1..28, not {start_day}")
    start = today.replace(day=start_day)
    if start > today:
        start = _add_months(start, -1)
    return Period(start=start, end=_add_months(start, 1), today=today)


def floor_cents(value: Fraction | Decimal) -> Decimal:
    """Round down (toward minus infinity) to the cent."""
    cents = math.floor(Fraction(value) * 100)
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Figures:
    """What one funnel (or the household) stands at on `period.today`."""

    limit: Decimal
    spent: Decimal
    spent_today: Decimal
    remaining: Decimal
    daily: Decimal
    carry_in: Decimal = ZERO  # what the previous period carried in (docs/rules.md §12.1)
    planned: Decimal = ZERO  # R: planned occurrences of the period not yet recorded (§12.2)


def daily_allowance(
    *,
    limit: Decimal,
    spent: Decimal,
    spent_today: Decimal,
    period: Period,
    mode: str,
    created_on: date | None = None,
    planned_total: Decimal = ZERO,
    planned: Decimal = ZERO,
    planned_spent: Decimal = ZERO,
    planned_spent_today: Decimal = ZERO,
) -> Decimal:
    """How much can still be spent today (docs/rules.md §2.3), rounded down to the cent;
    `created_on` (the funnel's local creation day) shortens its first period (§11.5).

    With plans (§12.2): `planned_total` is A (the period's occurrences, not skipped),
    `planned` is R (the part of A not yet recorded) and `planned_spent` is S_A (the part of
    `spent` that came from recorded occurrences). Pace paces the money left after the plans,
    `(L − A)·d/N − (S − S_A)`; even spreads what is left after them,
    `(L − S − R + S_today)/(r + 1) − S_today`, where S_today leaves out
    `planned_spent_today` (the part of S_A spent today): that money was set aside before today,
    so recording an occurrence (or paying it early) moves neither figure. All zero: §2.3.
    """
    period = counted_from(period, created_on)
    n, d, r = period.days_total, period.day, period.days_left
    if mode == AllowanceMode.PACE:
        exact = (Fraction(limit) - Fraction(planned_total)) * d / n - (
            Fraction(spent) - Fraction(planned_spent)
        )
    elif mode == AllowanceMode.EVEN:
        today = Fraction(spent_today) - Fraction(planned_spent_today)
        exact = (Fraction(limit) - Fraction(spent) - Fraction(planned) + today) / (r + 1) - today
    else:
        raise ValueError(f"unknown allowance mode {mode!r}")
    return floor_cents(exact)


class DailyArguments(TypedDict):
    """What daily_allowance takes besides the limit, spent, spent today and R."""

    period: Period
    mode: str
    created_on: NotRequired[date | None]
    planned_total: NotRequired[Decimal]
    planned_spent: NotRequired[Decimal]
    planned_spent_today: NotRequired[Decimal]


def figures_for(
    *,
    limit: Decimal,
    spent: Decimal,
    spent_today: Decimal,
    carry_in: Decimal = ZERO,
    planned: Decimal = ZERO,
    **daily: Unpack[DailyArguments],
) -> Figures:
    """The per-funnel figures of docs/rules.md §2.2 and §2.3 (and §11.5 with `created_on`).

    `spent` still covers the whole period: only the pace of `daily` starts on `created_on`.
    `carry_in` (§12.1) is an input: the effective limit is `limit + carry_in`. The plans'
    A, R and S_A (§12.2, see daily_allowance) are inputs too: `remaining = L − S − R`.
    """
    effective = limit + carry_in
    return Figures(
        limit=limit,
        spent=spent,
        spent_today=spent_today,
        remaining=effective - spent - planned,
        carry_in=carry_in,
        planned=planned,
        daily=daily_allowance(
            limit=effective, spent=spent, spent_today=spent_today, planned=planned, **daily
        ),
    )


def totals_of(figures: Iterable[Figures]) -> Figures:
    """Household totals: the sums of each figure over the funnels a member sees."""
    items = list(figures)
    return Figures(
        limit=sum((f.limit for f in items), ZERO),
        spent=sum((f.spent for f in items), ZERO),
        spent_today=sum((f.spent_today for f in items), ZERO),
        remaining=sum((f.remaining for f in items), ZERO),
        daily=sum((f.daily for f in items), ZERO),
        carry_in=sum((f.carry_in for f in items), ZERO),
        planned=sum((f.planned for f in items), ZERO),
    )


def carry_out(
    *, policy: str, cap: Decimal | None, limit: Decimal, carry_in: Decimal, spent: Decimal
) -> Decimal:
    """What an ended period carries into the next one (docs/rules.md §12.1), exact.

    `limit` is the limit in force when the period closed; the period's effective limit is
    `limit + carry_in`, so with policy `all` the carry is the running sum of limits minus
    spendings since rollover began.
    """
    left = limit + carry_in - spent
    if policy == Rollover.NONE:
        return ZERO
    if policy == Rollover.ALL:
        return left
    if policy == Rollover.SURPLUS:
        return max(left, ZERO)
    if policy == Rollover.CAPPED:
        return min(max(left, ZERO), cap if cap is not None else ZERO)
    raise ValueError(f"unknown rollover policy {policy!r}")


def carry_chain(*, closes: Iterable[tuple[str, Decimal | None, Decimal, Decimal]]) -> list[Decimal]:
    """The carry out of each period of a chain of (policy, cap, limit, spent), oldest first;
    the first period carries nothing in (rollover starts after the period of creation)."""
    carries: list[Decimal] = []
    carry = ZERO
    for policy, cap, limit, spent in closes:
        carry = carry_out(policy=policy, cap=cap, limit=limit, carry_in=carry, spent=spent)
        carries.append(carry)
    return carries


def occurrence_dates(*, first: date, repeat: str, start: date, end: date) -> list[date]:
    """The days in [start, end) a plan first due on `first` falls due (docs/rules.md §12.2).

    Monthly and yearly occurrences keep the first one's day of the month where the month has
    it and take the month's last day where it does not (31 Jan → 28/29 Feb → 31 Mar; 29 Feb →
    28 Feb in other years): each is counted from `first`, never from the one before.
    """
    if end <= first or end <= start:
        return []
    if repeat == Repeat.NONE:
        return [first] if start <= first < end else []
    if repeat == Repeat.WEEKLY:
        k = max(0, (start - first).days // 7)
        step = lambda k: first + timedelta(days=7 * k)  # noqa: E731
    elif repeat in (Repeat.MONTHLY, Repeat.YEARLY):
        months = 1 if repeat == Repeat.MONTHLY else 12
        behind = (start.year - first.year) * 12 + start.month - first.month
        k = max(0, behind // months - 1)
        step = lambda k: _add_months(first, months * k)  # noqa: E731
    else:
        raise ValueError(f"unknown repeat {repeat!r}")
    dates = []
    while (day := step(k)) < end:
        if day >= start:
            dates.append(day)
        k += 1
    return dates


def daily_after(figures: Figures, amount: Decimal) -> Decimal:
    """`daily` once `amount` more is spent today: in both modes it drops by exactly `amount`."""
    return figures.daily - amount
