"""JSON request logs (docs/rules.md §10): one line per request with its id, route, status and
duration; nothing secret in them, even across a whole session; tracebacks as JSON."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import Invite, User
from accounts.tests.factories import totp_code, totp_code_fresh
from budget.observability import JsonFormatter, RedactPathsFilter, RequestIdFilter
from funnels.models import Funnel, Spending

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything the app logs, written as production writes it (settings.LOGGING's console
    handler: the JSON formatter and both filters, at the configured levels)."""
    console = settings.LOGGING["handlers"]["console"]
    assert console["formatter"] == "json"
    assert console["filters"] == ["request_id", "redact_paths"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactPathsFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_request_logs_one_json_line_and_echoes_its_request_id(client, log_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="req-0123456789abcdef")

    assert response["X-Request-ID"] == "req-0123456789abcdef"
    (line,) = [r for r in _records(log_lines) if r["logger"] == "funnels.request"]
    assert line["request_id"] == "req-0123456789abcdef"
    assert line["method"] == "GET"
    assert line["route"] == "healthz"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])


@pytest.mark.parametrize(
    "incoming", ["", "short", "x" * 129, "has space inside", "line\nbreak-0123", "ünïcode-0123"]
)
def test_a_malformed_request_id_is_replaced_by_a_new_one(client, log_lines, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    made = response["X-Request-ID"]
    assert made != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    (line,) = [r for r in _records(log_lines) if r["logger"] == "funnels.request"]
    assert line["request_id"] == made


def test_each_request_gets_its_own_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


def test_a_server_error_logs_its_traceback_as_json_with_the_request_id(settings, log_lines):
    settings.ROOT_URLCONF = "budget.tests.urls_failing"
    response = Client(raise_request_exception=False).get(
        "/explode/", HTTP_X_REQUEST_ID="boom-0123456789"
    )

    assert response.status_code == 500
    records = _records(log_lines)
    (error,) = [r for r in records if r["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["request_id"] == "boom-0123456789"
    assert error["exc_info"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: the view broke" in error["exc_info"]
    assert "/explode/" not in error["message"]
    (line,) = [r for r in records if r["logger"] == "funnels.request"]
    assert (line["route"], line["status"]) == ("explode", 500)


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

    carol = User.objects.get(username="carol")
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
    secrets["invite code"] = Invite.objects.get(household=carol.household).code

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

    assert Client().get(f"/invite/{secrets['invite code']}/").status_code == 302
    secrets["re-enrolment token"] = "not-a-real-reenrolment-token-1234567890"
    Client().get(f"/reenrol/{secrets['re-enrolment token']}/")

    logged = log_lines.getvalue()
    records = _records(log_lines)
    routes = {r.get("route") for r in records}
    # The log did record the session (so the greps below look at something real)...
    assert {"accounts:register-confirm", "accounts:login", "funnels:spending-create"} <= routes
    assert {"api-login", "api-refresh", "accounts:invite", "accounts:reenrol"} <= routes
    assert any(r["level"] == "WARNING" for r in records)  # Django's own 4xx lines included
    # ...and holds none of its secrets, in any spelling.
    for what, secret in secrets.items():
        for spelling in {secret, secret.replace("-", ""), secret.replace(".", "")}:
            assert spelling not in logged, f"the {what} is in the log"
    assert "98765" not in logged
    assert "Zo\\u00eb" not in logged


def test_log_level_takes_only_a_level_name():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "LOG_LEVEL": "loud"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "LOG_LEVEL must be one of" in result.stderr
