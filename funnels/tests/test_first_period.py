"""A funnel's first period (docs/rules.md §11.5): counted from its local creation day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from funnels import allowance
from funnels.models import Funnel
from funnels.selectors import overview_for
from funnels.tests.factories import FunnelFactory

D = Decimal


@pytest.mark.parametrize(
    ("mode", "limit", "spent", "spent_today", "created_on", "today", "daily"),
    [
        # Period 2026-11-01..2026-12-01 (N = 30), created on day 23: N' = 8.
        ("pace", "2000", "0", "0", date(2026, 11, 23), date(2026, 11, 23), "250.00"),
        ("pace", "2000", "0", "0", date(2026, 11, 23), date(2026, 11, 24), "500.00"),
        ("pace", "2000", "100", "100", date(2026, 11, 23), date(2026, 11, 23), "150.00"),
        ("pace", "2000", "0", "0", date(2026, 11, 23), date(2026, 11, 30), "2000.00"),
        ("even", "2000", "0", "0", date(2026, 11, 23), date(2026, 11, 23), "250.00"),
        # Created on the first day, or in an earlier period: §2 unchanged.
        ("pace", "2000", "0", "0", date(2026, 11, 1), date(2026, 11, 22), "1466.66"),
        ("pace", "2000", "0", "0", date(2026, 10, 9), date(2026, 11, 22), "1466.66"),
        # A day before the funnel existed (looking at the past): §2 unchanged.
        ("pace", "2000", "0", "0", date(2026, 11, 25), date(2026, 11, 22), "1466.66"),
        ("even", "2000", "0", "0", date(2026, 11, 25), date(2026, 11, 22), "222.22"),
    ],
)
def test_first_period_table(mode, limit, spent, spent_today, created_on, today, daily):
    period = allowance.period_for(today, 1)
    figures = allowance.figures_for(
        limit=D(limit),
        spent=D(spent),
        spent_today=D(spent_today),
        period=period,
        mode=mode,
        created_on=created_on,
    )
    assert figures.daily == D(daily)
    assert figures.remaining == D(limit) - D(spent)


@given(
    start_day=st.integers(1, 28),
    month_start=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    k_seed=st.integers(0, 40),
    cents=st.integers(1, 10**9),
)
def test_created_on_day_k_shows_limit_over_days_left_in_pace_mode(
    start_day, month_start, k_seed, cents
):
    period = allowance.period_for(month_start, start_day)
    n = period.days_total
    k = k_seed % n + 1
    created_on = period.start + timedelta(days=k - 1)
    first_day = allowance.period_for(created_on, start_day)
    limit = D(cents) / 100
    daily = allowance.daily_allowance(
        limit=limit,
        spent=D(0),
        spent_today=D(0),
        period=first_day,
        mode="pace",
        created_on=created_on,
    )
    # Exactly floor(L / (N − k + 1)) to the cent, L in cents.
    assert daily == (D(cents // (n - k + 1)) / 100).quantize(D("0.01"))


@given(
    start_day=st.integers(1, 28),
    today=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    cents=st.integers(1, 10**9),
    mode=st.sampled_from(["pace", "even"]),
)
def test_pace_on_the_last_day_still_equals_remaining(start_day, today, cents, mode):
    period = allowance.period_for(today, start_day)
    last = allowance.period_for(period.last_day, start_day)
    limit = D(cents) / 100
    figures = allowance.figures_for(
        limit=limit, spent=D(0), spent_today=D(0), period=last, mode=mode, created_on=today
    )
    assert figures.daily == figures.remaining


@pytest.mark.django_db
def test_member_joining_on_day_23_is_not_told_to_spend_23_days_worth(user, api_client_for):
    household = user.household
    household.timezone, household.period_start_day, household.allowance_mode = "UTC", 1, "pace"
    household.save()
    Funnel.objects.filter(household=household).delete()
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False):
        funnel = FunnelFactory(household=household, owner=user, monthly_limit=D("2000.00"))
        row = overview_for(user=user).rows[0]
        assert row.funnel.pk == funnel.pk
        assert row.figures.daily == D("250.00")
        body = api_client_for(user).get("/api/v1/overview/").json()
        assert body["funnels"][0]["daily"] == "250.00"
        listed = api_client_for(user).get(f"/api/v1/funnels/{funnel.pk}/").json()
        assert listed["daily"] == "250.00"
    # Looking at the past (before it existed) keeps answering §2.
    past = overview_for(user=user, on=date(2026, 11, 22)).rows[0]
    assert past.figures.daily == D("1466.66")


@pytest.mark.django_db
def test_creation_day_is_the_local_date_in_the_household_time_zone(user):
    household = user.household
    household.timezone, household.period_start_day = "Pacific/Auckland", 1
    household.allowance_mode = "pace"
    household.save()
    Funnel.objects.filter(household=household).delete()
    # 2026-11-22 20:00 UTC is 2026-11-23 09:00 in Auckland (UTC+13): day 23 locally.
    with time_machine.travel(datetime(2026, 11, 22, 20, 0, tzinfo=UTC), tick=False):
        FunnelFactory(household=household, owner=user, monthly_limit=D("2000.00"))
        assert overview_for(user=user).rows[0].figures.daily == D("250.00")
