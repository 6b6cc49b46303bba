"""Rollover math (docs/rules.md §12.1): pure, the carry is an input and an output."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnels import allowance

D = Decimal


def chain(policy, rows, cap=None):
    return allowance.carry_chain(
        closes=[(policy, None if cap is None else D(cap), D(lim), D(sp)) for lim, sp in rows]
    )


# Three and four periods: limit, spent.
ROWS = [("1000", "800"), ("1000", "1300"), ("1200", "900"), ("1000", "1500")]


@pytest.mark.parametrize(
    ("policy", "cap", "expected"),
    [
        ("none", None, ["0.00", "0.00", "0.00", "0.00"]),
        # 200 left; 1200 − 1300 < 0 → 0; 1200 − 900 = 300; 1300 − 1500 < 0 → 0.
        ("surplus", None, ["200", "0", "300", "0"]),
        # 200; 200 + 1000 − 1300 = −100; −100 + 1200 − 900 = 200; 200 + 1000 − 1500 = −300.
        ("all", None, ["200", "-100", "200", "-300"]),
        # Like surplus, capped at 250.
        ("capped", "250", ["200", "0", "250", "0"]),
        ("capped", "100", ["100", "0", "100", "0"]),
    ],
)
def test_chains_of_four_periods_per_policy(policy, cap, expected):
    assert chain(policy, ROWS, cap) == [D(x) for x in expected]


def test_a_policy_change_between_closes_applies_from_that_close_on():
    closes = [("all", None, D("1000"), D("1200")), ("surplus", None, D("1000"), D("700"))]
    assert allowance.carry_chain(closes=closes) == [D("-200"), D("100")]


def test_unknown_policy_is_an_error():
    with pytest.raises(ValueError, match="rollover policy"):
        allowance.carry_out(policy="most", cap=None, limit=D(1), carry_in=D(0), spent=D(0))


def test_carry_in_raises_the_effective_limit_of_the_figures():
    period = allowance.period_for(date(2026, 11, 22), 1)
    figures = allowance.figures_for(
        limit=D("2000"),
        spent=D("0"),
        spent_today=D("0"),
        period=period,
        mode="pace",
        carry_in=D("100"),
    )
    # (2000 + 100)·22/30 = 1540.00; remaining 2100.
    assert figures.daily == D("1540.00")
    assert figures.remaining == D("2100")
    assert figures.carry_in == D("100")
    assert allowance.totals_of([figures, figures]).carry_in == D("200")


cents = st.integers(-(10**8), 10**8).map(lambda c: D(c) / 100)


@given(st.lists(st.tuples(cents.filter(lambda x: x >= 0), cents), min_size=1, max_size=40))
def test_with_policy_all_carry_is_limits_minus_spendings(rows):
    carries = allowance.carry_chain(closes=[("all", None, lim, sp) for lim, sp in rows])
    assert carries[-1] == sum(lim for lim, _ in rows) - sum(sp for _, sp in rows)


@given(
    st.lists(st.tuples(cents.filter(lambda x: x >= 0), cents), min_size=1, max_size=40),
    cents.filter(lambda x: x >= 0),
)
def test_surplus_and_capped_never_carry_debt_and_capped_never_passes_its_cap(rows, cap):
    surplus = allowance.carry_chain(closes=[("surplus", None, lim, sp) for lim, sp in rows])
    capped = allowance.carry_chain(closes=[("capped", cap, lim, sp) for lim, sp in rows])
    assert all(c >= 0 for c in surplus)
    assert all(0 <= c <= cap for c in capped)
