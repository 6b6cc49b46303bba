"""Signed out elsewhere (docs/rules.md §3, §4): the sign-in page says why, and a spending typed
at that moment is kept and offered again after signing in (never saved without a tap)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.devices import browser_name
from accounts.tests.factories import totp_code_fresh, totp_device
from funnels.models import Funnel, Spending

pytestmark = pytest.mark.django_db

PIXEL = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
)
HX = {"HTTP_HX_REQUEST": "true"}


def _sign_in(device, agent: str = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0") -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(
        reverse("accounts:login"),
        {"username": device.user.username, "code": totp_code_fresh(device)},
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (PIXEL, "Chrome on Android"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
         "Firefox on Windows"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1",
         "Safari on iPhone"),
        ("okhttp/4.12.0", "the app"),
        ("", "an app"),
    ],
)  # fmt: skip
def test_browser_names_are_what_a_person_recognises(agent, name):
    assert browser_name(agent) == name


def test_sign_in_page_says_a_newer_sign_in_ended_this_session(user):
    device = totp_device(user)
    old = _sign_in(device)
    assert old.get("/").status_code == 200
    _sign_in(device, agent=PIXEL)

    response = old.get("/", follow=True)
    content = response.content.decode()
    assert 'id="signed-out-elsewhere"' in content
    assert "Chrome on Android" in content
    assert "signed in on another device" in content
    # It stays until this browser signs in again, then goes.
    assert "Chrome on Android" in old.get(reverse("accounts:login")).content.decode()
    old.post(
        reverse("accounts:login"), {"username": user.username, "code": totp_code_fresh(device)}
    )
    old.logout()
    assert "signed-out-elsewhere" not in old.get(reverse("accounts:login")).content.decode()


def test_a_plain_sign_out_says_nothing_of_another_device(user):
    device = totp_device(user)
    client = _sign_in(device)
    client.post(reverse("accounts:logout"))
    assert "signed-out-elsewhere" not in client.get("/", follow=True).content.decode()


@pytest.mark.parametrize("htmx", [True, False])
def test_spending_typed_when_signed_out_elsewhere_is_offered_after_signing_in(user, htmx):
    device = totp_device(user)
    old = _sign_in(device)
    _sign_in(device, agent=PIXEL)
    food = Funnel.objects.get(owner=user, name="Food")

    data = {"amount": "12,50", "funnel": str(food.pk), "note": "bread"}
    response = old.post("/spendings/new/", data, **(HX if htmx else {}))
    assert response.status_code in (200, 302)
    assert not Spending.objects.exists()
    login_page = old.get(reverse("accounts:login")).content.decode()
    assert "What you were saving here is kept" in login_page

    old.post(
        reverse("accounts:login"), {"username": user.username, "code": totp_code_fresh(device)}
    )
    page = old.get("/").content.decode()
    assert 'id="kept-draft"' in page
    assert "Tap Food to save it." in page
    assert 'value="12,50"' in page
    assert 'value="bread"' in page
    assert not Spending.objects.exists()
    # Offered once: the next visit is an empty form again.
    assert 'id="kept-draft"' not in old.get("/").content.decode()
    old.post("/spendings/new/", data)
    assert Spending.objects.get().amount == Decimal("12.50")
