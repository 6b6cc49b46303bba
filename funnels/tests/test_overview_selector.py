"""The overview selector: what spendings count, in which period, in how many queries."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from funnels.models import Funnel, Spending
from funnels.selectors import overview_for
from funnels.services import funnel_update
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _setup_household(user, *, tz="UTC", start_day=1, mode="pace"):
    household = user.household
    household.timezone, household.period_start_day, household.allowance_mode = tz, start_day, mode
    household.save()
    Funnel.objects.filter(household=household).delete()
    return FunnelFactory(household=household, owner=user, monthly_limit=D("3100.00"))


def spend(funnel, user, amount: str, when: datetime) -> None:
    SpendingFactory(funnel=funnel, created_by=user, amount=D(amount), spent_at=when)


def _row(overview, funnel):
    return next(row for row in overview.rows if row.funnel.pk == funnel.pk)


def test_spending_at_2330_local_on_the_last_day_belongs_to_that_period(user):
    # Europe/Berlin, period starting on the 1st; 31 Oct 2026 is the last day (DST ended 25 Oct).
    funnel = _setup_household(user, tz="Europe/Berlin", start_day=1)
    berlin = ZoneInfo("Europe/Berlin")
    spend(funnel, user, "50.00", datetime(2026, 10, 31, 23, 30, tzinfo=berlin))
    october = overview_for(user=user, on=date(2026, 10, 31))
    november = overview_for(user=user, on=date(2026, 11, 1))
    assert _row(october, funnel).figures.spent == D("50.00")
    assert _row(october, funnel).figures.spent_today == D("50.00")
    assert _row(november, funnel).figures.spent == D("0.00")


def test_spending_on_a_dst_change_day_counts_on_its_local_date(user):
    # 29 March 2026: Berlin skips 02:00-03:00. 00:30 local is 23:30 UTC the day before.
    funnel = _setup_household(user, tz="Europe/Berlin", start_day=28)
    spend(funnel, user, "7.00", datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("Europe/Berlin")))
    on_the_day = _row(overview_for(user=user, on=date(2026, 3, 29)), funnel).figures
    day_before = _row(overview_for(user=user, on=date(2026, 3, 28)), funnel).figures
    assert on_the_day.spent_today == D("7.00")
    assert day_before.spent_today == D("0.00")
    assert day_before.spent == D("7.00")  # same period: a later date inside it is committed


def test_year_boundary_splits_periods_at_local_midnight(user):
    funnel = _setup_household(user, tz="America/New_York", start_day=1)
    new_york = ZoneInfo("America/New_York")
    spend(funnel, user, "1.00", datetime(2026, 12, 31, 23, 59, tzinfo=new_york))
    spend(funnel, user, "2.00", datetime(2027, 1, 1, 0, 0, tzinfo=new_york))
    assert _row(overview_for(user=user, on=date(2026, 12, 15)), funnel).figures.spent == D("1.00")
    assert _row(overview_for(user=user, on=date(2027, 1, 15)), funnel).figures.spent == D("2.00")


def test_future_dated_spending_inside_the_period_counts_as_committed(user):
    funnel = _setup_household(user, start_day=15)
    utc = ZoneInfo("UTC")
    spend(funnel, user, "100.00", datetime(2023, 11, 10, 12, tzinfo=utc))
    spend(funnel, user, "999.00", datetime(2023, 11, 15, 0, tzinfo=utc))  # the next period
    figures = _row(overview_for(user=user, on=date(2023, 10, 16)), funnel).figures
    assert figures.spent == D("100.00")
    assert figures.spent_today == D("0.00")
    assert figures.remaining == D("3000.00")
    assert figures.daily == D("100.00")  # 3100*2/31 - 100


def test_limit_changed_mid_period_recalculates_at_once(user):
    funnel = _setup_household(user, start_day=15)
    assert _row(overview_for(user=user, on=date(2023, 10, 15)), funnel).figures.daily == D("100.00")
    funnel_update(user=user, funnel=funnel, monthly_limit=D("6200.00"))
    figures = _row(overview_for(user=user, on=date(2023, 10, 15)), funnel).figures
    assert figures.daily == D("200.00")
    assert figures.remaining == D("6200.00")


def test_spec_example_through_the_database_in_even_mode(user):
    funnel = _setup_household(user, start_day=15, mode="even")
    spend(funnel, user, "100.00", datetime(2023, 10, 16, 9, tzinfo=ZoneInfo("UTC")))
    overview = overview_for(user=user, on=date(2023, 10, 16))
    assert _row(overview, funnel).figures.daily == D("3.33")
    assert overview.totals.daily == D("3.33")
    assert [s.amount for s in overview.recent] == [D("100.00")]


def test_overview_hides_other_members_personal_funnels_and_spendings(user, member, stranger):
    hidden = FunnelFactory(household=user.household, owner=member)
    SpendingFactory(funnel=hidden, created_by=member)
    SpendingFactory(funnel=stranger.personal_funnels.first(), created_by=stranger)
    overview = overview_for(user=user)
    assert hidden.pk not in {row.funnel.pk for row in overview.rows}
    assert {row.funnel.owner_id for row in overview.rows} <= {user.pk, None}
    assert overview.recent == []


@pytest.mark.parametrize("extra_funnels", [0, 10])
def test_overview_runs_a_constant_number_of_queries(user, django_assert_num_queries, extra_funnels):
    for _ in range(extra_funnels):
        funnel = FunnelFactory(household=user.household)
        SpendingFactory.create_batch(5, funnel=funnel, created_by=user)
    user.household  # noqa: B018 - the request user arrives with its household loaded
    with django_assert_num_queries(4):
        overview = overview_for(user=user)
    assert len(overview.rows) == 2 + extra_funnels


@pytest.mark.django_db(transaction=True)
def test_ten_thousand_spendings_of_ten_cents_sum_to_exactly_1000(user):
    funnel = _setup_household(user)
    Spending.objects.bulk_create(
        Spending(funnel=funnel, created_by=user, amount=D("0.10")) for _ in range(10_000)
    )
    total = Spending.objects.filter(funnel=funnel).aggregate(total=Sum("amount"))["total"]
    assert total == D("1000.00")
    assert str(total) == "1000.00"
    row = _row(overview_for(user=user), funnel)
    assert row.figures.spent == D("1000.00")
    assert row.figures.remaining == D("2100.00")
