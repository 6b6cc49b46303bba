"""A whole session leaves none of its secrets in the logs (docs/rules.md §10): amounts, notes,
codes, tokens, cookies and invite links stay out of every line, whatever logged it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import resolve
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.tests.factories import totp_code, totp_code_fresh
from budget.tests.logcapture import captured_logs, log_records
from funnels.models import Funnel, Spending

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    with captured_logs() as stream:
        yield stream


def test_a_whole_session_leaves_no_secret_in_the_logs(log_lines):
    """Register, sign in with a real TOTP code, add a spending with a note, use the API with a
    token, make and open an invite, hit a bad re-enrolment link; then grep the log for each."""
    browser = Client()
    secrets: dict[str, str] = {}

    browser.post("/register/", {"username": "carol", "display_name": "Carol"})
    device = TOTPDevice.objects.get(user__username="carol")
    secrets["first code"] = totp_code(device)
    page = browser.post("/register/confirm/", {"code": secrets["first code"]})
    assert page.status_code == 200
    codes = re.findall(r"<code>([^<]+)</code>", page.content.decode())
    assert len(codes) == 10
    secrets.update({f"recovery code {n}": code for n, code in enumerate(codes)})

    assert browser.post("/logout/").status_code == 302
    secrets["sign-in code"] = totp_code_fresh(device)
    signed_in = browser.post("/login/", {"username": "carol", "code": secrets["sign-in code"]})
    assert signed_in.status_code == 302
    secrets["session cookie"] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    secrets["csrf cookie"] = browser.cookies[settings.CSRF_COOKIE_NAME].value
    secrets["wrong code"] = f"{(int(secrets['sign-in code']) + 7) % 1_000_000:06d}"
    Client().post("/login/", {"username": "carol", "code": secrets["wrong code"]})

    carol = get_user_model().objects.get(username="carol")
    food = Funnel.objects.get(owner=carol, name="Food")
    secrets["amount"] = "987.65"
    secrets["note"] = "birthday present for Zoë"
    saved = browser.post(
        "/spendings/new/",
        {"amount": secrets["amount"], "funnel": str(food.pk), "note": secrets["note"]},
    )
    assert saved.status_code in (200, 302)
    assert Spending.objects.get(created_by=carol).amount == Decimal("987.65")

    assert browser.post("/household/invites/").status_code == 302
    household_page = browser.get("/household/").content.decode()
    secrets["invite code"] = re.search(r"/invite/([^/\"]+)/", household_page).group(1)

    api = APIClient()  # signing in here signs the browser out (one active device)
    secrets["api code"] = totp_code_fresh(device)
    pair = api.post(
        "/api/v1/auth/login/", {"username": "carol", "code": secrets["api code"]}, format="json"
    ).json()
    secrets["access token"] = pair["access"]
    secrets["refresh token"] = pair["refresh"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert api.get("/api/v1/me/").status_code == 200
    rotated = api.post("/api/v1/auth/refresh/", {"refresh": pair["refresh"]}, format="json")
    secrets["rotated refresh token"] = rotated.json()["refresh"]
    api.post("/api/v1/auth/refresh/", {"refresh": pair["refresh"]}, format="json")  # 401

    landing = Client().get(f"/invite/{secrets['invite code']}/")
    assert landing.templates[0].name == "households/invite.html"
    secrets["re-enrolment token"] = "not-a-real-reenrolment-token-1234567890"
    Client().get(f"/reenrol/{secrets['re-enrolment token']}/")

    logged = log_lines.getvalue()
    records = log_records(log_lines)
    routes = {r.get("route") for r in records}
    # The log did record the session (so the greps below look at something real)...
    visited = ["/register/confirm/", "/login/", "/spendings/new/", "/api/v1/auth/login/"]
    visited += ["/api/v1/auth/refresh/", "/invite/x/", "/reenrol/x/"]
    assert {resolve(path).view_name for path in visited} <= routes
    assert any(r["level"] == "WARNING" for r in records)  # Django's own 4xx lines included
    # ...and holds none of its secrets, in any spelling.
    for what, secret in secrets.items():
        for spelling in {secret, secret.replace("-", ""), secret.replace(".", "")}:
            assert spelling not in logged, f"the {what} is in the log"
    assert "98765" not in logged
    assert "Zo\\u00eb" not in logged
