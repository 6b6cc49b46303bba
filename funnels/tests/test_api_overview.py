"""API §5.5: the overview of a day equals what the dashboard shows for that member and day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from funnels.models import Funnel
from funnels.selectors import overview_for
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/overview/"


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def assert_matches_dashboard(body: dict, user, day: date | None) -> None:
    expected = overview_for(user=user, on=day)
    period = expected.period
    assert body["date"] == period.today.isoformat()
    assert body["period"] == {
        "start": period.start.isoformat(),
        "end": period.last_day.isoformat(),
        "days_total": period.days_total,
        "day": period.day,
        "days_left": period.days_left,
    }
    assert [f["id"] for f in body["funnels"]] == [str(r.funnel.pk) for r in expected.rows]
    for got, row in zip(body["funnels"], expected.rows, strict=True):
        assert got["spent"] == money(row.figures.spent)
        assert got["remaining"] == money(row.figures.remaining)
        assert got["daily"] == money(row.figures.daily)
        assert got["spent_today"] == money(row.figures.spent_today)
        assert got["monthly_limit"] == money(row.figures.limit)
    totals = expected.totals
    assert body["totals"] == {
        "limit": money(totals.limit),
        "spent": money(totals.spent),
        "remaining": money(totals.remaining),
        "daily": money(totals.daily),
        "carry_in": money(totals.carry_in),
        "planned": money(totals.planned),
    }
    assert [s["id"] for s in body["recent"]] == [str(s.pk) for s in expected.recent]


@pytest.fixture
def spendings(user, member):
    """Spendings over two periods, in personal and shared funnels, of both members."""
    food = Funnel.objects.get(owner=user, name="Food")
    shared = FunnelFactory(household=user.household, monthly_limit=Decimal("600.00"), position=9)
    bobs = Funnel.objects.get(owner=member, name="Food")
    for day, amount in [(1, "10.10"), (5, "99.99"), (10, "0.01")]:
        SpendingFactory(
            funnel=food,
            created_by=user,
            amount=Decimal(amount),
            spent_at=datetime(2026, 10, day, 9, tzinfo=UTC),
        )
        SpendingFactory(
            funnel=shared,
            created_by=member,
            amount=Decimal(amount),
            spent_at=datetime(2026, 10, day, 20, tzinfo=UTC),
        )
        SpendingFactory(
            funnel=bobs,
            created_by=member,
            amount=Decimal("500"),
            spent_at=datetime(2026, 10, day, tzinfo=UTC),
        )
    SpendingFactory(funnel=food, created_by=user, amount=Decimal("3.00"), spent_at=timezone.now())


def test_overview_today_matches_dashboard(api_client_for, user, spendings):
    response = api_client_for(user).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"date", "period", "funnels", "totals", "recent", "upcoming"}
    assert_matches_dashboard(body, user, None)


@pytest.mark.parametrize("mode", ["pace", "even"])
def test_overview_of_a_past_date_matches_dashboard(api_client_for, user, spendings, mode):
    household = user.household
    household.allowance_mode = mode
    household.period_start_day = 3
    household.timezone = "America/New_York"
    household.save()
    response = api_client_for(user).get(f"{URL}?date=2026-10-05")
    assert response.status_code == 200
    body = response.json()
    assert body["date"] == "2026-10-05"
    assert body["period"]["start"] == "2026-10-03"
    assert body["period"]["end"] == "2026-11-02"
    assert body["period"]["days_total"] == 31
    assert body["period"]["day"] == 3
    assert body["period"]["days_left"] == 28
    assert body["funnels"][0]["spent"] == "100.00"  # 99.99 on the 5th and 0.01 on the 10th
    assert body["funnels"][0]["spent_today"] == "99.99"
    assert_matches_dashboard(body, user, date(2026, 10, 5))


def test_overview_never_includes_another_members_personal_spendings(
    api_client_for, member, user, spendings
):
    body = api_client_for(user).get(f"{URL}?date=2026-10-10").json()
    assert "500.00" not in {s["amount"] for s in body["recent"]}
    assert len(body["funnels"]) == 3


def test_recent_is_at_most_20_newest_first(api_client_for, user):
    food = Funnel.objects.get(owner=user, name="Food")
    for hour in range(23):
        SpendingFactory(
            funnel=food, created_by=user, spent_at=datetime(2026, 11, 3, hour, tzinfo=UTC)
        )
    body = api_client_for(user).get(f"{URL}?date=2026-11-10").json()
    assert len(body["recent"]) == 20
    times = [s["spent_at"] for s in body["recent"]]
    assert times == sorted(times, reverse=True)
    assert body["totals"]["spent"] == "230.00"


@pytest.mark.parametrize("value", ["2026-02-30", "yesterday", "0001-01-01", "9999-12-31"])
def test_bad_date_is_400(api_client_for, user, value):
    response = api_client_for(user).get(f"{URL}?date={value}")
    assert response.status_code == 400
    assert "date" in response.json()
