"""docs/rules.md §7 for the HTML pages: hostile input to any form field gives a 4xx, never 500."""

from __future__ import annotations

import pytest

from accounts.models import Household, User
from funnels.models import Funnel, Spending
from funnels.tests.factories import SpendingFactory

pytestmark = pytest.mark.django_db

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "NaN",
    "-Infinity",
    "1e400",
    "1e-400",
    "٣",
    "１２",
    "9" * 5000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "🍞" * 50,
    "\u202e",
    "null",
    "[]",
]


def post_each_field(client, url: str, valid: dict[str, str]) -> None:
    for field in valid:
        for value in NASTY:
            response = client.post(url, {**valid, field: value})
            assert response.status_code < 500, (url, field, value)


@pytest.fixture
def alice(client, user):
    client.force_login(user)
    return user


def test_spending_entry_survives_hostile_input(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    valid = {"amount": "1", "funnel": str(food.pk), "note": "", "spent_at": ""}
    post_each_field(client, "/spendings/new/", valid)
    for field in valid:
        for value in NASTY:
            headers = {"HTTP_HX_REQUEST": "true"}
            assert (
                client.post("/spendings/new/", {**valid, field: value}, **headers).status_code < 500
            )
    # Only sane amounts were saved.
    assert all(s.amount > 0 for s in Spending.objects.all())


def test_spending_edit_and_history_survive_hostile_input(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    spending = SpendingFactory(funnel=food, created_by=alice)
    valid = {
        "amount": "1",
        "funnel": str(food.pk),
        "note": "",
        "spent_at": "2026-01-01T10:00",
        "next": "/",
    }
    post_each_field(client, f"/spendings/{spending.pk}/edit/", valid)
    for field in ("funnel", "member", "since", "until", "page"):
        for value in NASTY:
            assert client.get("/spendings/", {field: value}).status_code < 500, (field, value)
    for value in NASTY:
        assert client.post("/spendings/undo/", {"token": value}).status_code < 500


def test_funnel_forms_survive_hostile_input(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    valid = {
        "name": "Fun",
        "emoji": "🎉",
        "emoji_typed": "",
        "color": "#ba68c8",
        "color_custom": "#000000",
        "monthly_limit": "10",
        "shared": "personal",
    }
    post_each_field(client, "/funnels/new/", valid)
    post_each_field(client, f"/funnels/{food.pk}/edit/", valid)
    for value in NASTY:
        assert client.post(f"/funnels/{food.pk}/move/", {"direction": value}).status_code < 500
        response = client.post(f"/funnels/{food.pk}/delete/", {"move_to": value})
        assert response.status_code < 500
    assert all(f.monthly_limit >= 0 for f in Funnel.objects.all())


def test_household_and_account_forms_survive_hostile_input(client, alice):
    valid = {
        "name": "Home",
        "currency": "EUR",
        "timezone": "UTC",
        "period_start_day": "1",
        "allowance_mode": "pace",
    }
    post_each_field(client, "/household/", valid)
    household = Household.objects.get(pk=alice.household_id)
    assert 1 <= household.period_start_day <= 28
    post_each_field(client, "/account/", {"display_name": "Al"})
    for value in NASTY:
        assert client.post("/account/recovery-codes/", {"codes-code": value}).status_code < 500
        data = {"step": "start", "reenrol-code": value}
        assert client.post("/account/authenticator/", data).status_code < 500
        assert client.post("/account/delete/", {"code": value}).status_code < 500
    assert User.objects.filter(pk=alice.pk).exists()
