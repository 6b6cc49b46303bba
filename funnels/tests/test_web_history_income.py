"""History with income (docs/rules.md §8.6): both types together, a type filter, totals."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from funnels.models import Funnel, Income
from funnels.tests.factories import SpendingFactory
from funnels.views import HISTORY_PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, user):
    client.force_login(user)
    return user


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def income(user, amount: str, when: datetime, *, shared: bool = True, source: str = "Pay"):
    return Income.objects.create(
        household=user.household, received_by=user, amount=Decimal(amount),
        received_at=when, source=source, shared=shared,
    )  # fmt: skip


def spend(user, amount: str, when: datetime, funnel=None):
    funnel = funnel or Funnel.objects.get(owner=user, name="Food")
    return SpendingFactory(funnel=funnel, created_by=user, amount=Decimal(amount), spent_at=when)


def amounts(content: str) -> list[str]:
    listing = content.split('aria-label="Spendings and income"')[1].split("</ul>")[0]
    return re.findall(
        r'<strong class="amount[^"]*">(?:<span[^>]*>Income </span>)?([^<]+)</strong>', listing
    )


def totals(content: str) -> str:
    return content.split('class="history-totals"')[1].split("</section>")[0]


def test_spendings_and_income_are_listed_together_newest_first(client, alice, member):
    spend(alice, "1.10", at(1))
    income(alice, "2000.00", at(2))
    spend(alice, "3.30", at(3))
    income(member, "40.00", at(4))
    income(member, "999.99", at(5), shared=False)  # bob's private income
    content = client.get("/spendings/").content.decode()
    assert amounts(content) == ["40.00", "3.30", "2,000.00", "1.10"]
    assert "999.99" not in content
    text = totals(content)
    assert "<strong>4.40</strong> <small>in 2 spendings</small>" in text
    assert "<strong>2,040.00</strong> <small>in 2 entries</small>" in text
    assert "Balance <strong" in text
    assert "2,035.60" in text


@pytest.mark.parametrize(
    ("kind", "expected", "spent", "came_in"),
    [
        ("spending", ["3.30", "1.10"], "4.40", "0.00"),
        ("income", ["40.00", "2,000.00"], "0.00", "2,040.00"),
        ("", ["40.00", "3.30", "2,000.00", "1.10"], "4.40", "2,040.00"),
    ],
)
def test_type_filter_and_totals_of_what_is_filtered(client, alice, kind, expected, spent, came_in):
    spend(alice, "1.10", at(1))
    income(alice, "2000.00", at(2))
    spend(alice, "3.30", at(3))
    income(alice, "40.00", at(4))
    content = client.get("/spendings/", {"type": kind}).content.decode()
    assert amounts(content) == expected
    text = totals(content)
    assert f"Spent</span> <strong>{spent}</strong>" in text
    assert f"Income</span> <strong>{came_in}</strong>" in text


def test_dates_and_member_filter_income_too_and_a_funnel_leaves_only_spendings(
    client, alice, member
):
    spend(alice, "1.10", at(1))
    income(alice, "2000.00", at(2))
    income(member, "40.00", at(2, 23))
    food = Funnel.objects.get(owner=alice, name="Food")
    day = client.get("/spendings/", {"since": "2026-03-02", "until": "2026-03-02"})
    assert amounts(day.content.decode()) == ["40.00", "2,000.00"]
    bob = client.get("/spendings/", {"member": "bob"}).content.decode()
    assert amounts(bob) == ["40.00"]
    by_funnel = client.get("/spendings/", {"funnel": str(food.pk)}).content.decode()
    assert amounts(by_funnel) == ["1.10"]
    assert "<strong>0.00</strong> <small>in 0 entries</small>" in totals(by_funnel)


def test_income_of_a_former_member_shows_under_former_members(client, alice, member):
    kept = income(member, "40.00", at(2))
    Income.objects.filter(pk=kept.pk).update(received_by=None)
    content = client.get("/spendings/", {"member": "~former"}).content.decode()
    assert amounts(content) == ["40.00"]
    assert "former member" in content


@pytest.mark.parametrize("kind", ["incomes", "x", "SPENDING"])
def test_unknown_type_is_400_with_a_message(client, alice, kind):
    income(alice, "55.55", at(2))
    response = client.get("/spendings/", {"type": kind})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Pick spending, income or both." in content
    assert "55.55" not in content


def test_pages_mix_both_types_and_the_totals_cover_every_page(client, alice):
    for day in range(1, HISTORY_PAGE_SIZE + 2):
        spend(alice, "1.00", at(1 + day % 28, day % 24))
        income(alice, "2.00", at(1 + day % 28, day % 24))
    first = client.get("/spendings/").content.decode()
    assert len(amounts(first)) == HISTORY_PAGE_SIZE
    assert "Page 1 of 3" in first
    count = HISTORY_PAGE_SIZE + 1
    assert f"<small>in {count} spendings</small>" in totals(first)
    last = client.get("/spendings/", {"page": "3"}).content.decode()
    assert len(amounts(last)) == 2 * count - 2 * HISTORY_PAGE_SIZE


def test_history_runs_a_constant_number_of_queries(client, alice, django_assert_num_queries):
    def run() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            client.get("/spendings/")
        return len(context)

    spend(alice, "1.00", at(1))
    income(alice, "1.00", at(1))
    few = run()
    for day in range(1, 29):
        spend(alice, "1.00", at(day))
        income(alice, "1.00", at(day))
    with django_assert_num_queries(few):
        client.get("/spendings/")
