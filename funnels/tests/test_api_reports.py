"""API of the reports and the calendar: reports/summary/, reports/trend/, calendar/."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funnels.models import Funnel, Income
from funnels.tests.factories import FunnelFactory, SpendingFactory

UTC = zoneinfo.ZoneInfo("UTC")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]
SUMMARY = "/api/v1/reports/summary/"
TREND = "/api/v1/reports/trend/"
CALENDAR = "/api/v1/calendar/"


def income(user, amount: str, when: datetime, *, shared: bool = True):
    return Income.objects.create(
        household=user.household, received_by=user, amount=Decimal(amount),
        received_at=when, source="Pay", shared=shared,
    )  # fmt: skip


def test_summary_answers_the_periods_figures_and_series(api_client_for, user, member):
    food = Funnel.objects.get(owner=user, name="Food")
    SpendingFactory(funnel=food, created_by=user, amount=Decimal("2000.50"), spent_at=NOW)
    income(user, "1500.00", NOW - timedelta(days=1))
    income(member, "999.00", NOW, shared=False)
    data = api_client_for(user).get(SUMMARY).json()
    assert data["period"] == {
        "start": "2026-11-01", "end": "2026-11-30", "days_total": 30, "day": 22, "days_left": 8,
    }  # fmt: skip
    assert (data["income"], data["spent"], data["balance"]) == ("1500.00", "2000.50", "-500.50")
    assert (data["limit"], data["remaining"], data["count"]) == ("4000.00", "1999.50", 1)
    assert data["pace"] == "133.33"
    assert data["over_budget"] == [{"funnel": str(food.pk), "over_by": "0.50"}]
    food_row = next(row for row in data["by_funnel"] if row["name"] == "Food")
    assert food_row == {
        "funnel": str(food.pk), "name": "Food", "emoji": "🍞", "color": "#ffa500",
        "spent": "2000.50", "count": 1, "limit": "2000.00", "share": "100.0",
        "limit_used": "100.0",
    }  # fmt: skip
    misc_row = next(row for row in data["by_funnel"] if row["name"] == "Misc")
    assert misc_row["share"] == "0.0"
    assert len(data["by_day"]) == 30
    assert data["by_day"][21] == {"date": "2026-11-22", "spent": "2000.50", "income": "0.00"}
    assert data["by_day"][20]["income"] == "1500.00"


def test_summary_of_any_day_and_an_empty_period(api_client_for, user):
    data = api_client_for(user).get(SUMMARY, {"date": "2024-02-10"}).json()
    assert data["period"]["start"] == "2024-02-01"
    assert data["period"]["days_total"] == 29
    assert (data["income"], data["spent"], data["count"]) == ("0.00", "0.00", 0)
    assert all(row["share"] is None for row in data["by_funnel"])


def test_trend_answers_one_entry_per_period_oldest_first(api_client_for, user):
    income(user, "10.00", datetime(2026, 6, 3, tzinfo=UTC))
    client = api_client_for(user)
    data = client.get(TREND).json()
    assert [entry["start"] for entry in data] == [
        "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01",
    ]  # fmt: skip
    assert data[0] == {
        "start": "2026-06-01", "end": "2026-06-30", "income": "10.00", "spent": "0.00",
        "limit": "4000.00",
    }  # fmt: skip
    assert len(client.get(TREND, {"periods": "24"}).json()) == 24
    assert len(client.get(TREND, {"periods": "1", "date": "2026-06-15"}).json()) == 1


def test_calendar_answers_each_day_of_the_month(api_client_for, user):
    food = Funnel.objects.get(owner=user, name="Food")
    SpendingFactory(funnel=food, created_by=user, amount=Decimal("3.00"),
                    spent_at=datetime(2026, 2, 28, 23, 30, tzinfo=UTC))  # fmt: skip
    data = api_client_for(user).get(CALENDAR, {"month": "2026-02"}).json()
    assert data["month"] == "2026-02"
    assert len(data["days"]) == 28
    assert data["days"][-1] == {"date": "2026-02-28", "spent": "3.00", "income": "0.00"}
    assert api_client_for(user).get(CALENDAR).json()["month"] == "2026-11"


@pytest.mark.parametrize(
    ("url", "query", "field"),
    [
        (SUMMARY, {"date": ""}, "date"),
        (SUMMARY, {"date": "2026-02-30"}, "date"),
        (SUMMARY, {"date": "2026-2-3"}, "date"),
        (SUMMARY, {"date": "1999-12-31"}, "date"),
        (SUMMARY, {"date": "3000-01-01"}, "date"),
        (TREND, {"periods": ""}, "periods"),
        (TREND, {"periods": "0"}, "periods"),
        (TREND, {"periods": "25"}, "periods"),
        (TREND, {"periods": "-1"}, "periods"),
        (TREND, {"periods": "6.0"}, "periods"),
        (TREND, {"periods": "six"}, "periods"),
        (TREND, {"date": "tomorrow"}, "date"),
        (CALENDAR, {"month": ""}, "month"),
        (CALENDAR, {"month": "2026-13"}, "month"),
        (CALENDAR, {"month": "2026-00"}, "month"),
        (CALENDAR, {"month": "2026-1"}, "month"),
        (CALENDAR, {"month": "1999-12"}, "month"),
        (CALENDAR, {"month": "2026-11-01"}, "month"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(api_client_for, user, url, query, field):
    response = api_client_for(user).get(url, query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("url", [SUMMARY, TREND, CALENDAR])
def test_without_a_token_it_is_401(api_client, url):
    assert api_client.get(url).status_code == 401


@pytest.mark.parametrize("url", [SUMMARY, TREND, CALENDAR])
def test_nothing_of_another_household_or_of_another_members_private_side(
    api_client_for, user, member, stranger, url
):
    theirs = Funnel.objects.get(owner=stranger, name="Food")
    SpendingFactory(funnel=theirs, created_by=stranger, amount=Decimal("7.77"), spent_at=NOW)
    bobs = Funnel.objects.get(owner=member, name="Food")
    SpendingFactory(funnel=bobs, created_by=member, amount=Decimal("8.88"), spent_at=NOW)
    income(stranger, "9.99", NOW)
    income(member, "6.66", NOW, shared=False)
    body = api_client_for(user).get(url).content.decode()
    for hidden in ("7.77", "8.88", "9.99", "6.66", str(theirs.pk), str(bobs.pk)):
        assert hidden not in body


@pytest.mark.parametrize("url", [SUMMARY, f"{TREND}?periods=12", CALENDAR])
def test_query_count_does_not_grow_with_rows(api_client_for, user, django_assert_num_queries, url):
    client = api_client_for(user)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for index in range(10):
        funnel = FunnelFactory(household=user.household, owner=user if index % 2 else None)
        SpendingFactory.create_batch(4, funnel=funnel, created_by=user, spent_at=NOW)
        income(user, "1.00", NOW - timedelta(days=index * 20))
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
    assert len(small) <= 6, [q["sql"] for q in small.captured_queries]
