"""docs/rules.md §7 for the HTML pages: hostile input to any form field gives a 4xx, never 500."""

from __future__ import annotations

import re

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


ERROR_SHOWN = re.compile(r'class="[^"]*\berrors?\b[^"]*"[^>]*>\s*\S|role="alert"[^>]*>\s*<p>\S')


def assert_handled(response, *, done: tuple[str, ...] = ("/",), context: object = None) -> None:
    """Hostile input is either accepted (a redirect to where the form leads, or a page) or refused
    with a 4xx that says what is wrong; never a 500, never a refusal without a message."""
    status = response.status_code
    assert status < 500, context
    if status in (301, 302, 303):
        assert response["Location"].split("?")[0] in done, (context, response["Location"])
    elif status in (400, 422):
        assert ERROR_SHOWN.search(response.content.decode()), (context, status)


def post_each_field(client, url: str, valid: dict[str, str], done: tuple[str, ...]) -> None:
    for field in valid:
        for value in NASTY:
            response = client.post(url, {**valid, field: value})
            assert_handled(response, done=done, context=(url, field, value))


def test_spending_entry_survives_hostile_input(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    valid = {"amount": "1", "funnel": str(food.pk), "note": "", "spent_at": ""}
    post_each_field(client, "/spendings/new/", valid, done=("/",))
    for field in valid:
        for value in NASTY:
            response = client.post(
                "/spendings/new/", {**valid, field: value}, HTTP_HX_REQUEST="true"
            )
            assert_handled(response, context=(field, value))
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
    post_each_field(client, f"/spendings/{spending.pk}/edit/", valid, done=("/", "/spendings/"))
    for field in ("funnel", "member", "since", "until", "page"):
        for value in NASTY:
            assert_handled(client.get("/spendings/", {field: value}), context=(field, value))
    for value in NASTY:
        response = client.post("/spendings/undo/", {"token": value})
        assert_handled(response, done=("/",), context=value)


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
    post_each_field(client, "/funnels/new/", valid, done=("/funnels/",))
    post_each_field(client, f"/funnels/{food.pk}/edit/", valid, done=("/funnels/",))
    for value in NASTY:
        response = client.post(f"/funnels/{food.pk}/move/", {"direction": value})
        assert_handled(response, done=("/funnels/",), context=value)
        response = client.post(f"/funnels/{food.pk}/delete/", {"move_to": value})
        assert_handled(response, done=("/funnels/",), context=value)
    assert all(f.monthly_limit >= 0 for f in Funnel.objects.all())


def test_household_and_account_forms_survive_hostile_input(client, alice):
    valid = {
        "name": "Home",
        "currency": "EUR",
        "timezone": "UTC",
        "period_start_day": "1",
        "allowance_mode": "pace",
    }
    post_each_field(client, "/household/", valid, done=("/household/",))
    household = Household.objects.get(pk=alice.household_id)
    assert 1 <= household.period_start_day <= 28
    post_each_field(client, "/account/", {"display_name": "Al"}, done=("/account/",))
    for value in NASTY:
        response = client.post("/account/recovery-codes/", {"codes-code": value})
        assert_handled(response, context=value)
        data = {"step": "start", "reenrol-code": value}
        assert_handled(client.post("/account/authenticator/", data), context=value)
        assert_handled(client.post("/account/delete/", {"code": value}), context=value)
    assert User.objects.filter(pk=alice.pk).exists()
