"""First run (docs/rules.md §4): one skippable set-up screen after registration."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funnels.models import Funnel

pytestmark = pytest.mark.django_db

WELCOME = "/welcome/"


def _form(user, **overrides):
    food = Funnel.objects.get(owner=user, name="Food")
    misc = Funnel.objects.get(owner=user, name="Misc")
    data = {
        "currency": "chf",
        "timezone": "Europe/Zurich",
        "period_start_day": "25",
        f"limit-{food.pk}": "1,200.50",
        f"limit-{misc.pk}": "300",
    }
    data.update(overrides)
    return data, food, misc


def test_registration_continues_to_the_set_up_screen(client):
    from accounts.tests.factories import totp_code
    from households.tests.test_registration import _device

    client.post(reverse("households:register"), {"username": "erin"})
    response = client.post(
        reverse("households:register-confirm"), {"code": totp_code(_device("erin"))}
    )
    assert 'href="/welcome/"' in response.content.decode()
    page = client.get(WELCOME).content.decode()
    assert "Set up your household" in page
    assert "data-suggest-timezone" in page
    assert 'href="/">Skip for now' in page


def test_set_up_screen_saves_settings_and_limits(client, alice):
    data, food, misc = _form(alice)
    response = client.post(WELCOME, data)
    assert response.status_code == 302
    alice.household.refresh_from_db()
    assert (alice.household.currency, alice.household.timezone) == ("CHF", "Europe/Zurich")
    assert alice.household.period_start_day == 25
    food.refresh_from_db()
    misc.refresh_from_db()
    assert (food.monthly_limit, misc.monthly_limit) == (Decimal("1200.50"), Decimal("300.00"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("limit", "abc", "Enter the amount as a number"), ("limit", "", "Enter a monthly limit."),
     ("timezone", "Mars/Base", ""), ("period_start_day", "31", "Pick a day from 1 to 28.")],
)  # fmt: skip
def test_bad_set_up_answers_422_and_changes_nothing(client, alice, field, value, message):
    data, food, _ = _form(alice)
    data[f"limit-{food.pk}" if field == "limit" else field] = value
    before = (alice.household.currency, food.monthly_limit)
    response = client.post(WELCOME, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    alice.household.refresh_from_db()
    food.refresh_from_db()
    assert (alice.household.currency, food.monthly_limit) == before
