"""The calendar: a Monday-first month grid with each day's spending and income."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime
from decimal import Decimal

import pytest

from funnels.models import Funnel, Income
from funnels.tests.factories import SpendingFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=BERLIN)
pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]


@pytest.fixture
def alice(client, user):
    user.household.timezone = "Europe/Berlin"
    user.household.period_start_day = 15
    user.household.save()
    client.force_login(user)
    return user


def cell(content: str, day: int) -> str:
    """The <td> of a day of the shown month."""
    marker = r'(?:<span class="marker"[^>]*>▸</span>)?'
    start = rf'<td class="day[^"]*"[^>]*>\s*<a href="[^"]*">\s*<span class="date">{marker}'
    match = re.search(rf"{start}{day}<span.*?</td>", content, re.S)
    assert match, f"no cell for day {day}"
    return match.group(0)


def test_month_grid_starts_on_monday_and_marks_today(client, alice):
    content = client.get("/calendar/").content.decode()
    assert "November 2026" in content
    headers = re.findall(r'<abbr title="(\w+)">', content)
    assert headers[0] == "Monday"
    assert headers[-1] == "Sunday"
    first_week = content.split("<tbody>")[1].split("</tr>")[0]
    assert first_week.count('<td class="pad">') == 6  # 1 November 2026 is a Sunday
    today = cell(content, 22)
    assert 'aria-current="date"' in today
    assert "today" in today
    assert 'aria-current="date"' not in cell(content, 21)


def test_days_show_spending_and_income_apart_by_sign_and_words(client, alice, member):
    food = Funnel.objects.get(owner=alice, name="Food")
    morning = datetime(2026, 11, 3, 8, tzinfo=BERLIN)
    late = datetime(2026, 11, 3, 23, 30, tzinfo=BERLIN)
    SpendingFactory(funnel=food, created_by=alice, amount=Decimal("12.50"), spent_at=late)
    household = alice.household
    Income.objects.create(
        household=household, received_by=alice, amount=Decimal("2500"), received_at=morning,
        source="Pay",
    )  # fmt: skip
    Income.objects.create(
        household=household, received_by=member, amount=Decimal("77"), received_at=morning,
        source="X", shared=False,
    )  # fmt: skip
    content = client.get("/calendar/").content.decode()
    day = cell(content, 3)
    assert re.search(r'class="out">.*spent </span>12.50', day)
    assert re.search(r'class="in">.*income </span>2,<wbr>500.00', day)
    assert "77.00" not in content
    assert 'href="/spendings/?since=2026-11-03&amp;until=2026-11-03"' in day
    assert "quiet" in cell(content, 4)


def test_period_boundaries_are_marked(client, alice):
    content = client.get("/calendar/?month=2026-11").content.decode()
    start = cell(content, 15)
    assert "boundary" in start
    assert "a new budget period starts" in start
    assert "boundary" not in cell(content, 14)


def test_month_navigation(client, alice):
    content = client.get("/calendar/?month=2026-01").content.decode()
    assert "January 2026" in content
    assert 'href="?month=2025-12" rel="prev"' in content
    assert 'href="?month=2026-02" rel="next"' in content
    assert 'aria-current="date"' not in content


def test_calendar_runs_a_constant_number_of_queries(client, alice, django_assert_num_queries):
    food = Funnel.objects.get(owner=alice, name="Food")
    for day in range(1, 29):
        SpendingFactory(
            funnel=food, created_by=alice, spent_at=datetime(2026, 11, day, 12, tzinfo=BERLIN)
        )
    # session, user, household, spending per day, income per day
    with django_assert_num_queries(5):
        response = client.get("/calendar/")
    assert response.content.decode().count('class="out"') == 28
