"""Planned spendings in the budget math (docs/rules.md §12.2): occurrences and A, R, S_A."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnels import allowance

D = Decimal


@pytest.mark.parametrize(
    ("first", "repeat", "start", "end", "expected"),
    [
        # 31 Jan → 28 Feb → 31 Mar → 30 Apr: each counted from the first, never the one before.
        (
            date(2027, 1, 31),
            "monthly",
            date(2027, 1, 1),
            date(2027, 5, 1),
            [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)],
        ),
        (date(2028, 1, 31), "monthly", date(2028, 2, 1), date(2028, 3, 1), [date(2028, 2, 29)]),
        (date(2027, 1, 29), "monthly", date(2027, 2, 1), date(2027, 4, 1),
         [date(2027, 2, 28), date(2027, 3, 29)]),
        (date(2027, 1, 30), "monthly", date(2027, 2, 1), date(2027, 4, 1),
         [date(2027, 2, 28), date(2027, 3, 30)]),
        (date(2024, 2, 29), "yearly", date(2024, 1, 1), date(2029, 1, 1),
         [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28),
          date(2028, 2, 29)]),
        (date(2026, 11, 3), "weekly", date(2026, 11, 1), date(2026, 12, 1),
         [date(2026, 11, 3), date(2026, 11, 10), date(2026, 11, 17), date(2026, 11, 24)]),
        (date(2026, 11, 3), "weekly", date(2026, 11, 11), date(2026, 11, 17), []),
        (date(2026, 11, 3), "none", date(2026, 11, 1), date(2026, 12, 1), [date(2026, 11, 3)]),
        (date(2026, 11, 3), "none", date(2026, 11, 4), date(2026, 12, 1), []),
        # Nothing before the first occurrence, and a far-off window costs no loop from the start.
        (date(2026, 11, 15), "monthly", date(2026, 10, 1), date(2026, 11, 15), []),
        (date(2000, 1, 31), "monthly", date(2999, 2, 1), date(2999, 3, 1), [date(2999, 2, 28)]),
        (date(2000, 1, 3), "weekly", date(2999, 2, 1), date(2999, 2, 8), [date(2999, 2, 4)]),
    ],
)  # fmt: skip
def test_occurrence_dates(first, repeat, start, end, expected):
    assert allowance.occurrence_dates(first=first, repeat=repeat, start=start, end=end) == expected


def test_unknown_repeat_is_rejected():
    with pytest.raises(ValueError, match="repeat"):
        allowance.occurrence_dates(
            first=date(2026, 1, 1), repeat="daily", start=date(2026, 1, 1), end=date(2026, 2, 1)
        )


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
repeats = st.sampled_from(["none", "weekly", "monthly", "yearly"])


@given(first=days, repeat=repeats, start=days, spans=st.tuples(*[st.integers(0, 800)] * 2))
def test_occurrences_of_adjacent_windows_add_up(first, repeat, start, spans):
    middle = start + timedelta(days=spans[0])
    end = middle + timedelta(days=spans[1])
    whole = allowance.occurrence_dates(first=first, repeat=repeat, start=start, end=end)
    left = allowance.occurrence_dates(first=first, repeat=repeat, start=start, end=middle)
    right = allowance.occurrence_dates(first=first, repeat=repeat, start=middle, end=end)
    assert whole == left + right
    assert all(first <= day for day in whole)
    if repeat == "monthly":
        assert all(day.day == first.day or day.day < first.day for day in whole)


def case(
    mode: str, day: int, daily: str, remaining: str, *, limit: str = "2000", spent: str = "0",
    spent_today: str = "0", a: str = "900", r: str = "900", s_a: str = "0", x: str = "0",
    created: int | None = None, carry: str = "0",
) -> tuple[object, ...]:  # fmt: skip
    """A row of the table: a day of November 2026 (and of creation) and what differs from Rent
    900 due on the last day, set aside, nothing spent."""
    created_on = date(2026, 11, created) if created else None
    return (mode, limit, spent, spent_today, a, r, s_a, x, date(2026, 11, day), created_on, carry,
            daily, remaining)  # fmt: skip


# The rent recorded on day 1 (spent that day, no longer set aside).
RECORDED = {"spent": "900", "spent_today": "900", "r": "0", "s_a": "900", "x": "900"}


@pytest.mark.parametrize(
    ("mode", "limit", "spent", "spent_today", "a", "r", "s_a", "x", "today", "created",
     "carry", "daily", "remaining"),
    [
        # Rent 900 due on the last day: day 1 paces the 1100 left after it.
        case("pace", 1, "36.66", "1100"),
        case("pace", 30, "1100.00", "1100"),
        # Recorded on day 1: the same day 1 (without the plan: 2000/30 − 900 = −833.34).
        case("pace", 1, "36.66", "1100", **RECORDED),
        case("pace", 1, "-13.34", "1050", **RECORDED | {"spent": "950", "spent_today": "950"}),
        case("pace", 22, "506.66", "800", spent="300"),
        case("even", 1, "36.66", "1100"),
        case("even", 1, "36.66", "1100", **RECORDED),
        case("even", 22, "88.88", "800", spent="300"),
        # With a carry of 100 (§12.1) the effective limit is 2100.
        case("pace", 1, "40.00", "1200", carry="100"),
        # Created on the 16th (§11.5): N' = 15, d' = 1.
        case("pace", 16, "73.33", "1100", created=16),
        case("even", 16, "73.33", "1100", created=16),
    ],
)  # fmt: skip
def test_planned_table(
    mode, limit, spent, spent_today, a, r, s_a, x, today, created, carry, daily, remaining
):
    figures = allowance.figures_for(
        limit=D(limit),
        spent=D(spent),
        spent_today=D(spent_today),
        period=allowance.period_for(today, 1),
        mode=mode,
        created_on=created,
        carry_in=D(carry),
        planned_total=D(a),
        planned=D(r),
        planned_spent=D(s_a),
        planned_spent_today=D(x),
    )
    assert figures.daily == D(daily)
    assert figures.remaining == D(remaining)
    assert figures.planned == D(r)


money = st.integers(0, 10**8).map(lambda cents: D(cents) / 100)
modes = st.sampled_from(["pace", "even"])
start_days = st.integers(1, 28)


@given(today=days, start_day=start_days, mode=modes, limit=money, spent=money, data=st.data())
def test_without_plans_the_figures_are_those_of_section_2_3(
    today, start_day, mode, limit, spent, data
):
    spent_today = data.draw(st.integers(0, int(spent * 100)).map(lambda c: D(c) / 100))
    period = allowance.period_for(today, start_day)
    figures = allowance.figures_for(
        limit=limit, spent=spent, spent_today=spent_today, period=period, mode=mode
    )
    n, d, r = period.days_total, period.day, period.days_left
    if mode == "pace":
        exact = Fraction(limit) * d / n - Fraction(spent)
    else:
        exact = (Fraction(limit - spent + spent_today)) / (r + 1) - Fraction(spent_today)
    assert figures.daily == allowance.floor_cents(exact)
    assert figures.remaining == limit - spent
    assert figures.planned == 0


@given(
    start_day=start_days, mode=modes, limit=money, other=money, reserved=money, recorded=money,
    today=days,
)  # fmt: skip
def test_on_the_last_day_daily_equals_remaining_with_plans(
    start_day, mode, limit, other, reserved, recorded, today
):
    period = allowance.period_for(today, start_day)
    last = allowance.Period(start=period.start, end=period.end, today=period.last_day)
    figures = allowance.figures_for(
        limit=limit, spent=other + recorded, spent_today=recorded, period=last, mode=mode,
        planned_total=reserved + recorded, planned=reserved, planned_spent=recorded,
        planned_spent_today=recorded,
    )  # fmt: skip
    assert figures.daily == figures.remaining == limit - other - recorded - reserved


@given(
    today=days, start_day=start_days, mode=modes, limit=money, other=money, reserved=money,
    amount=money.filter(bool), created=st.one_of(st.none(), st.integers(0, 30)),
)  # fmt: skip
def test_recording_an_occurrence_moves_neither_daily_nor_remaining(
    today, start_day, mode, limit, other, reserved, amount, created
):
    """Whether the daily job records it today or a member pays it early: the money was set
    aside already, so the figures stay where they were."""
    period = allowance.period_for(today, start_day)
    created_on = None if created is None else period.start + timedelta(days=created)
    common = {
        "limit": limit, "period": period, "mode": mode, "created_on": created_on,
        "planned_total": reserved + amount,
    }  # fmt: skip
    before = allowance.figures_for(
        spent=other, spent_today=other, planned=reserved + amount, **common
    )
    after = allowance.figures_for(
        spent=other + amount, spent_today=other + amount, planned=reserved,
        planned_spent=amount, planned_spent_today=amount, **common,
    )  # fmt: skip
    assert (after.daily, after.remaining) == (before.daily, before.remaining)


def test_totals_sum_planned():
    period = allowance.period_for(date(2026, 11, 1), 1)
    figures = [
        allowance.figures_for(
            limit=D("100"),
            spent=D("0"),
            spent_today=D("0"),
            period=period,
            mode="pace",
            planned_total=D(r),
            planned=D(r),
        )
        for r in ("10.50", "0", "4.25")
    ]
    assert allowance.totals_of(figures).planned == D("14.75")
