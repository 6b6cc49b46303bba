"""Budget math of docs/rules.md §2: the examples table, period boundaries and invariants."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnels import allowance

D = Decimal


@pytest.mark.parametrize(
    ("start_day", "mode", "limit", "spent", "spent_today", "today", "n_d", "daily"),
    [
        (15, "pace", "3100", "0", "0", date(2023, 10, 15), (31, 1), "100.00"),
        (15, "pace", "3100", "100", "100", date(2023, 10, 16), (31, 2), "100.00"),
        (15, "even", "3100", "100", "100", date(2023, 10, 16), (31, 2), "3.33"),
        (15, "pace", "3000", "0", "0", date(2023, 9, 30), (30, 16), "1600.00"),
        (15, "even", "3000", "0", "0", date(2023, 9, 30), (30, 16), "200.00"),
        (15, "pace", "2000", "1000", "0", date(2023, 10, 20), (31, 6), "-612.91"),
        (15, "even", "2000", "1000", "0", date(2023, 10, 20), (31, 6), "38.46"),
        (15, "pace", "3100", "0", "0", date(2024, 1, 10), (31, 27), "2700.00"),
        (1, "pace", "2000", "0", "0", date(2026, 11, 22), (30, 22), "1466.66"),
        (1, "even", "2000", "0", "0", date(2026, 11, 22), (30, 22), "222.22"),
    ],
)
def test_spec_examples(start_day, mode, limit, spent, spent_today, today, n_d, daily):
    period = allowance.period_for(today, start_day)
    assert (period.days_total, period.day) == n_d
    figures = allowance.figures_for(
        limit=D(limit), spent=D(spent), spent_today=D(spent_today), period=period, mode=mode
    )
    assert figures.daily == D(daily)
    assert figures.remaining == D(limit) - D(spent)


@pytest.mark.parametrize(
    ("today", "start_day", "start", "end"),
    [
        (date(2026, 11, 1), 1, date(2026, 11, 1), date(2026, 12, 1)),
        (date(2026, 11, 30), 1, date(2026, 11, 1), date(2026, 12, 1)),
        (date(2026, 12, 31), 1, date(2026, 12, 1), date(2027, 1, 1)),
        (date(2027, 1, 14), 15, date(2026, 12, 15), date(2027, 1, 15)),
        (date(2027, 1, 15), 15, date(2027, 1, 15), date(2027, 2, 15)),
        (date(2024, 2, 27), 28, date(2024, 1, 28), date(2024, 2, 28)),
        (date(2024, 2, 29), 28, date(2024, 2, 28), date(2024, 3, 28)),
        (date(2023, 3, 27), 28, date(2023, 2, 28), date(2023, 3, 28)),
        (date(2024, 2, 29), 1, date(2024, 2, 1), date(2024, 3, 1)),
        (date(2023, 2, 28), 1, date(2023, 2, 1), date(2023, 3, 1)),
    ],
)
def test_period_boundaries(today, start_day, start, end):
    period = allowance.period_for(today, start_day)
    assert (period.start, period.end) == (start, end)
    assert period.last_day == end - timedelta(days=1)
    assert period.day + period.days_left == period.days_total


def test_february_lengths_in_leap_and_common_years():
    assert allowance.period_for(date(2024, 2, 10), 1).days_total == 29
    assert allowance.period_for(date(2023, 2, 10), 1).days_total == 28
    # A period starting on the 28th of January runs to the 28th of February.
    assert allowance.period_for(date(2023, 2, 1), 28).days_total == 31


def test_last_day_of_period_has_no_days_left():
    period = allowance.period_for(date(2026, 11, 30), 1)
    assert (period.day, period.days_left) == (30, 0)


@pytest.mark.parametrize("start_day", [0, 29, 31, -1])
def test_start_day_out_of_range_is_rejected(start_day):
    with pytest.raises(ValueError, match="start_day"):
        allowance.period_for(date(2026, 1, 1), start_day)


def test_unknown_mode_is_rejected():
    period = allowance.period_for(date(2026, 1, 1), 1)
    with pytest.raises(ValueError, match="mode"):
        allowance.daily_allowance(
            limit=D(1), spent=D(0), spent_today=D(0), period=period, mode="fast"
        )


def test_daily_is_rounded_down_toward_minus_infinity():
    assert allowance.floor_cents(D("-0.001")) == D("-0.01")
    assert allowance.floor_cents(D("0.019")) == D("0.01")
    assert allowance.floor_cents(D("-612.903")) == D("-612.91")


def test_daily_after_drops_by_the_amount_in_both_modes():
    period = allowance.period_for(date(2026, 11, 22), 1)
    for mode in ("pace", "even"):
        before = allowance.figures_for(
            limit=D(2000), spent=D("10.00"), spent_today=D("10.00"), period=period, mode=mode
        )
        after = allowance.figures_for(
            limit=D(2000), spent=D("22.35"), spent_today=D("22.35"), period=period, mode=mode
        )
        assert allowance.daily_after(before, D("12.35")) == after.daily


money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(
    min_value=D("0.01"), max_value=10**4, places=2, allow_nan=False, allow_infinity=False
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
start_days = st.integers(min_value=1, max_value=28)


@given(today=days, start_day=start_days)
def test_period_contains_today_and_is_one_month_long(today, start_day):
    period = allowance.period_for(today, start_day)
    assert period.start <= today < period.end
    assert period.start.day == start_day == period.end.day
    assert 28 <= period.days_total <= 31


@given(day=days, start_day=start_days, limit=money, spent=money)
def test_pace_daily_on_last_day_equals_remaining(day, start_day, limit, spent):
    last_day = allowance.period_for(day, start_day).last_day
    period = allowance.period_for(last_day, start_day)
    figures = allowance.figures_for(
        limit=limit, spent=spent, spent_today=D(0), period=period, mode="pace"
    )
    assert figures.daily == figures.remaining


@given(
    today=days,
    start_day=start_days,
    limit=money,
    amounts=st.lists(st.tuples(positive, st.booleans()), max_size=20),
    seed=st.integers(),
)
def test_even_daily_does_not_depend_on_the_order_of_spendings(
    today, start_day, limit, amounts, seed
):
    period = allowance.period_for(today, start_day)

    def daily_for(items):
        spent, spent_today = D(0), D(0)
        for amount, is_today in items:
            spent += amount
            spent_today += amount if is_today else 0
        return allowance.daily_allowance(
            limit=limit, spent=spent, spent_today=spent_today, period=period, mode="even"
        )

    shuffled = list(amounts)
    random.Random(seed).shuffle(shuffled)
    assert daily_for(amounts) == daily_for(shuffled)


@given(
    today=days,
    start_day=start_days,
    mode=st.sampled_from(["pace", "even"]),
    funnels=st.lists(st.tuples(money, money, money), max_size=12),
)
def test_totals_equal_the_sum_of_funnels(today, start_day, mode, funnels):
    period = allowance.period_for(today, start_day)
    figures = [
        allowance.figures_for(
            limit=limit,
            spent=spent + today_part,
            spent_today=today_part,
            period=period,
            mode=mode,
        )
        for limit, spent, today_part in funnels
    ]
    totals = allowance.totals_of(figures)
    assert totals.daily == sum((f.daily for f in figures), D(0))
    assert totals.remaining == totals.limit - totals.spent
    assert totals.spent == sum((f.spent for f in figures), D(0))


@given(today=days, start_day=start_days, mode=st.sampled_from(["pace", "even"]), limit=money)
def test_daily_never_exceeds_the_exact_allowance(today, start_day, mode, limit):
    period = allowance.period_for(today, start_day)
    figures = allowance.figures_for(
        limit=limit, spent=D(0), spent_today=D(0), period=period, mode=mode
    )
    exact = (
        limit * period.day / period.days_total if mode == "pace" else limit / (period.days_left + 1)
    )
    assert figures.daily <= exact
    assert exact - figures.daily < D("0.01")
    assert figures.daily == figures.daily.quantize(D("0.01"))
