"""The over-budget banner on the dashboard (docs/rules.md §8.5)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from funnels.models import Funnel
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def alice(client, user):
    client.force_login(user)
    return user


def banner(content: str) -> str:
    return re.search(r'<div id="over-budget".*?</div>(?:</div>)?', content, re.S).group(0)


def test_no_banner_when_no_funnel_is_over(client, alice):
    content = client.get("/").content.decode()
    assert "Over budget" not in banner(content)
    # The empty slot is there, above the funnel list, for in-place updates.
    assert content.index('id="over-budget"') < content.index('id="funnel-list"')


def test_banner_names_every_funnel_over_its_limit_with_by_how_much(client, alice, member):
    food = Funnel.objects.get(owner=alice, name="Food")
    shared = FunnelFactory(household=alice.household, name="Car", monthly_limit=Decimal("100"))
    SpendingFactory(funnel=food, created_by=alice, amount=Decimal("2000.01"))
    SpendingFactory(funnel=shared, created_by=member, amount=Decimal("350.00"))
    bobs = Funnel.objects.get(owner=member, name="Food")
    SpendingFactory(funnel=bobs, created_by=member, amount=Decimal("5000.00"))  # not alice's
    text = banner(client.get("/").content.decode())
    assert "Over budget this period" in text
    names = re.findall(r'<span class="name">([^<]+)</span>: over by <strong>([^<]+)</strong>', text)
    assert names == [("Car", "250.00"), ("Food", "0.01")]


def test_two_click_entry_updates_the_banner_in_place(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    SpendingFactory(funnel=food, created_by=alice, amount=Decimal("1999.00"))
    response = client.post("/spendings/new/", {"amount": "2", "funnel": str(food.pk)}, **HX)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<div id="over-budget" class="over-budget-slot" hx-swap-oob="true">' in content
    assert "over by <strong>1.00</strong>" in banner(content)


def test_deleting_the_spending_clears_the_banner_in_place(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    spending = SpendingFactory(funnel=food, created_by=alice, amount=Decimal("2500.00"))
    response = client.post(f"/spendings/{spending.pk}/delete/", **HX)
    content = response.content.decode()
    assert 'id="over-budget" class="over-budget-slot" hx-swap-oob="true"' in content
    assert "Over budget" not in banner(content)
