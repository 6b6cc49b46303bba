"""The period summary, the trend and a month's days (docs/rules.md §8.2): exact money, local
dates (DST included), visibility, and a constant number of queries."""

from __future__ import annotations

import itertools
import zoneinfo
from datetime import date, datetime
from decimal import Decimal

import pytest

from funnels.models import Funnel, Income, Spending
from funnels.reports import month_days, percent, period_summary, period_trend
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def berlin(user):
    household = user.household
    household.timezone = "Europe/Berlin"
    household.period_start_day = 1
    household.save()
    return user


def food_of(user) -> Funnel:
    return Funnel.objects.get(owner=user, name="Food")


def income(user, amount: str, when: datetime, *, shared: bool = True, source: str = "Pay"):
    return Income.objects.create(
        household=user.household, received_by=user, amount=Decimal(amount),
        received_at=when, source=source, shared=shared,
    )  # fmt: skip


def spend(user, funnel, amount: str, when: datetime) -> Spending:
    return SpendingFactory(funnel=funnel, created_by=user, amount=Decimal(amount), spent_at=when)


def test_summary_adds_up_what_the_member_sees(berlin, member):
    food = food_of(berlin)  # limit 2000
    shared = FunnelFactory(household=berlin.household, monthly_limit=Decimal("100.00"))
    spend(berlin, food, "12.34", local(2026, 10, 5, 12))
    spend(member, shared, "150.00", local(2026, 10, 6, 12))
    spend(berlin, shared, "0.01", local(2026, 10, 6, 13))
    spend(member, food_of(member), "999.00", local(2026, 10, 6, 12))  # bob's personal: unseen
    income(berlin, "2500.00", local(2026, 10, 1, 8))
    income(member, "40.00", local(2026, 10, 2, 8))
    income(member, "777.00", local(2026, 10, 2, 9), shared=False)  # bob's private: unseen
    spend(berlin, food, "50.00", local(2026, 9, 30, 23, 59))  # the period before
    summary = period_summary(user=berlin, on=date(2026, 10, 20))
    assert (summary.period.start, summary.period.end) == (date(2026, 10, 1), date(2026, 11, 1))
    assert summary.income == Decimal("2540.00")
    assert summary.spent == Decimal("162.35")
    assert summary.balance == Decimal("2377.65")
    assert summary.limit == Decimal("4100.00")  # Food, Misc and the shared funnel
    assert summary.remaining == Decimal("3937.65")
    assert summary.count == 3
    assert [(row.funnel, row.over_by) for row in summary.over_budget] == [
        (shared, Decimal("50.01"))
    ]
    rows = {row.funnel.name: row for row in summary.by_funnel}
    assert rows["Food"].share == Decimal("7.6")  # 12.34 / 162.35
    assert rows["Food"].limit_used == Decimal("0.6")
    assert rows[shared.name].count == 2
    assert rows[shared.name].limit_used == Decimal("150.0")
    assert rows["Misc"].share == Decimal("0.0")
    by_day = {flow.day: flow for flow in summary.by_day}
    assert len(summary.by_day) == 31
    assert by_day[date(2026, 10, 6)].spent == Decimal("150.01")
    assert by_day[date(2026, 10, 1)].income == Decimal("2500.00")
    assert by_day[date(2026, 10, 2)].income == Decimal("40.00")
    assert sum(flow.spent for flow in summary.by_day) == summary.spent
    assert summary.pace == Decimal("132.26")  # 4100 / 31 = 132.258..., to the cent


def test_a_period_across_the_dst_change_counts_by_local_date(berlin):
    # October 2026: clocks go back on the 25th, so the period has 31 days and 745 hours.
    food = food_of(berlin)
    spend(berlin, food, "1.00", local(2026, 10, 1, 0, 30))  # 30 Sep 22:30 UTC: inside
    spend(berlin, food, "2.00", local(2026, 10, 25, 2, 30))  # the repeated hour
    spend(berlin, food, "4.00", local(2026, 10, 31, 23, 30))  # last day, 23:30 local
    income(berlin, "8.00", local(2026, 10, 31, 23, 30))
    spend(berlin, food, "16.00", local(2026, 11, 1, 0, 30))  # next period
    income(berlin, "32.00", local(2026, 9, 30, 23, 30))  # previous period
    summary = period_summary(user=berlin, on=date(2026, 10, 31))
    assert summary.spent == Decimal("7.00")
    assert summary.income == Decimal("8.00")
    by_day = {flow.day: flow for flow in summary.by_day}
    assert by_day[date(2026, 10, 1)].spent == Decimal("1.00")
    assert by_day[date(2026, 10, 25)].spent == Decimal("2.00")
    assert by_day[date(2026, 10, 31)].spent == Decimal("4.00")
    assert by_day[date(2026, 10, 31)].income == Decimal("8.00")


def test_spring_forward_period_and_a_mid_month_start_day(berlin):
    berlin.household.period_start_day = 15
    berlin.household.save()
    food = food_of(berlin)
    spend(berlin, food, "3.00", local(2026, 3, 29, 3, 30))  # just after the skipped hour
    income(berlin, "5.00", local(2026, 4, 14, 23, 30))  # last day of the period, 23:30
    summary = period_summary(user=berlin, on=date(2026, 3, 20))
    assert (summary.period.start, summary.period.last_day) == (date(2026, 3, 15), date(2026, 4, 14))
    assert summary.spent == Decimal("3.00")
    assert summary.income == Decimal("5.00")
    assert summary.by_day[-1].day == date(2026, 4, 14)
    assert summary.by_day[-1].income == Decimal("5.00")


def test_an_empty_period_is_all_zero(berlin):
    summary = period_summary(user=berlin, on=date(2026, 2, 10))
    assert (summary.income, summary.spent, summary.balance, summary.count) == (
        Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), 0,
    )  # fmt: skip
    assert summary.over_budget == []
    assert len(summary.by_day) == 28
    assert all(row.share is None for row in summary.by_funnel)


def test_sums_are_exact_over_many_small_amounts(berlin):
    food = food_of(berlin)
    when = local(2026, 10, 10, 12)
    Spending.objects.bulk_create(
        Spending(funnel=food, created_by=berlin, amount=Decimal("0.10"), spent_at=when)
        for _ in range(3000)
    )
    Income.objects.bulk_create(
        Income(household=berlin.household, received_by=berlin, amount=Decimal("0.10"),
               received_at=when, source="Coins")
        for _ in range(3000)
    )  # fmt: skip
    summary = period_summary(user=berlin, on=date(2026, 10, 10))
    assert summary.spent == Decimal("300.00")
    assert summary.income == Decimal("300.00")
    assert summary.balance == Decimal("0.00")
    assert {flow.day: flow.spent for flow in summary.by_day}[date(2026, 10, 10)] == Decimal(
        "300.00"
    )
    trend = period_trend(user=berlin, on=date(2026, 10, 10), periods=1)
    assert (trend[0].spent, trend[0].income) == (Decimal("300.00"), Decimal("300.00"))


def _rows(user, funnels: int, per_funnel: int) -> None:
    for index in range(funnels):
        funnel = FunnelFactory(household=user.household, owner=user if index % 2 else None)
        for day in range(per_funnel):
            spend(user, funnel, "1.25", local(2026, 10, 1 + day % 28, 12))
            income(user, "2.00", local(2026, 10, 1 + day % 28, 9))


@pytest.mark.parametrize(("funnels", "per_funnel"), [(0, 0), (10, 12)])
def test_summary_runs_three_queries_whatever_the_rows(
    berlin, django_assert_num_queries, funnels, per_funnel
):
    _rows(berlin, funnels, per_funnel)
    berlin.household  # noqa: B018 - loaded once per request by the view, not by the selector
    with django_assert_num_queries(3):
        summary = period_summary(user=berlin, on=date(2026, 10, 20))
    assert summary.count == funnels * per_funnel


@pytest.mark.parametrize("periods", [1, 6, 24])
def test_trend_runs_three_queries_and_goes_back_period_by_period(
    berlin, django_assert_num_queries, periods
):
    food = food_of(berlin)
    spend(berlin, food, "10.00", local(2026, 10, 31, 23, 30))
    spend(berlin, food, "20.00", local(2026, 9, 1, 0, 30))
    income(berlin, "30.00", local(2026, 8, 15, 12))
    with django_assert_num_queries(3):
        trend = period_trend(user=berlin, on=date(2026, 10, 20), periods=periods)
    assert len(trend) == periods
    assert trend[-1].start == date(2026, 10, 1)
    assert trend[-1].end == date(2026, 10, 31)
    assert trend[-1].spent == Decimal("10.00")
    assert trend[-1].limit == Decimal("4000.00")
    if periods >= 6:
        assert [t.start for t in trend[-3:]] == [
            date(2026, 8, 1),
            date(2026, 9, 1),
            date(2026, 10, 1),
        ]
        assert trend[-2].spent == Decimal("20.00")
        assert trend[-3].income == Decimal("30.00")
    first = {1: date(2026, 10, 1), 6: date(2026, 5, 1), 24: date(2024, 11, 1)}[periods]
    assert trend[0].start == first
    assert all(a.period.end == b.start for a, b in itertools.pairwise(trend))


def test_month_days_counts_by_local_date_in_two_queries(berlin, django_assert_num_queries, member):
    food = food_of(berlin)
    spend(berlin, food, "4.00", local(2026, 10, 31, 23, 30))
    income(berlin, "8.00", local(2026, 10, 1, 0, 15))
    income(member, "99.00", local(2026, 10, 1, 0, 15), shared=False)
    spend(berlin, food, "16.00", local(2026, 11, 1, 0, 30))
    with django_assert_num_queries(2):
        month = month_days(user=berlin, month=date(2026, 10, 1))
    assert len(month.days) == 31
    assert month.days[-1].spent == Decimal("4.00")
    assert month.days[0].income == Decimal("8.00")
    assert sum(day.spent for day in month.days) == Decimal("4.00")


def test_percent_rounds_half_up_and_has_no_answer_for_zero():
    assert percent(Decimal("1"), Decimal("3")) == Decimal("33.3")
    assert percent(Decimal("1"), Decimal("8")) == Decimal("12.5")
    assert percent(Decimal("1"), Decimal("0")) is None
