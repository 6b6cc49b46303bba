"""Sign-in throttling (docs/rules.md §3.2): per username and per address, 429 + Retry-After,
bounded."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import throttling
from accounts.tests.factories import totp_code, totp_device

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
WINDOW = 15 * 60


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    """The throttle's clock, at the start of a window; move it with clock[0] += seconds."""
    now = [float(int(throttling.time.time() // WINDOW) * WINDOW + 10)]
    monkeypatch.setattr(throttling, "_now", lambda: now[0])
    return now


def _login(code: str, *, username: str = "alice", address: str = "203.0.113.7"):
    return APIClient(REMOTE_ADDR=address).post(
        LOGIN, {"username": username, "code": code}, format="json"
    )


def _fail(times: int, *, username: str = "alice", address: str = "203.0.113.7") -> None:
    for _ in range(times):
        assert _login("000000x", username=username, address=address).status_code == 401


def test_after_five_failures_the_username_is_throttled_even_with_the_right_code(user, clock):
    device = totp_device(user)
    _fail(5)
    response = _login(totp_code(device))
    assert response.status_code == 429
    assert response["Retry-After"] == str(WINDOW - 10)
    assert "detail" in response.json()


def test_a_stranger_cannot_lock_the_owner_out_beyond_the_window(user, clock):
    device = totp_device(user)
    _fail(5, address="198.51.100.66")  # a stranger, elsewhere
    assert _login(totp_code(device), address="203.0.113.7").status_code == 429
    clock[0] += WINDOW - 10  # the window ends
    assert _login(totp_code(device), address="203.0.113.7").status_code == 200


def test_the_throttle_counts_per_username_case_insensitively(user, clock):
    _fail(3, username="alice")
    _fail(2, username="ALICE")
    assert _login("123456", username="Alice").status_code == 429


def test_the_throttle_counts_per_address_across_usernames(user, clock, settings):
    device = totp_device(user)
    for n in range(20):
        _fail(1, username=f"someone{n}", address="198.51.100.66")
    assert _login("123456", username="anyone", address="198.51.100.66").status_code == 429
    # The owner, elsewhere, is not affected.
    assert _login(totp_code(device), address="203.0.113.7").status_code == 200


def test_successful_sign_ins_are_not_counted(user, clock):
    device = totp_device(user)
    _fail(4)
    assert _login(totp_code(device)).status_code == 200
    assert _login(totp_code(device, steps=1)).status_code == 200
    _fail(1)
    assert _login("123456").status_code == 429


def test_browser_login_is_throttled_with_429_and_retry_after(client, user, clock):
    device = totp_device(user)
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "alice", "code": "999999"})
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "code": totp_code(device)}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) == WINDOW - 10
    assert "Too many attempts" in response.content.decode()
    assert client.get("/").status_code == 302


def test_django_otp_lockout_is_off(user, clock, settings):
    """Many failures do not make django-otp refuse the device later (no exponential lockout)."""
    settings.LOGIN_THROTTLE_PER_USERNAME = 1000
    settings.LOGIN_THROTTLE_PER_ADDRESS = 1000
    device = totp_device(user)
    _fail(30)
    device.refresh_from_db()
    assert device.verify_is_allowed() == (True, None)
    assert _login(totp_code(device)).status_code == 200


def test_confirming_a_registration_is_throttled_too(api_client, clock):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    api_client.post("/api/v1/auth/register/", {"username": "zoe"}, format="json")
    device = TOTPDevice.objects.get(user__username="zoe")
    confirm = "/api/v1/auth/register/confirm/"
    for _ in range(5):
        body = {"username": "zoe", "code": "000000"}
        assert api_client.post(confirm, body, format="json").status_code == 400
    body = {"username": "zoe", "code": totp_code(device)}
    response = api_client.post(confirm, body, format="json")
    assert response.status_code == 429
    assert response["Retry-After"]


def test_a_reenrolment_link_is_throttled_too(user, member, clock):
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services import reenrolment_link_issue

    token = reenrolment_link_issue(issued_by=user, user=member)
    client = Client()
    client.get(f"/reenrol/{token}/")
    for _ in range(5):
        assert client.post(f"/reenrol/{token}/", {"code": "000000"}).status_code == 400
    new = TOTPDevice.objects.get(user=member, confirmed=False)
    response = client.post(f"/reenrol/{token}/", {"code": totp_code(new)})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()


def test_registrations_are_limited_per_address(client, clock, settings):
    settings.REGISTRATION_THROTTLE_PER_ADDRESS = 2
    api = APIClient(REMOTE_ADDR="198.51.100.9")
    for name in ("r1", "r2"):
        body = {"username": name}
        assert api.post("/api/v1/auth/register/", body, format="json").status_code == 201
    response = api.post("/api/v1/auth/register/", {"username": "r3"}, format="json")
    assert response.status_code == 429
    assert response["Retry-After"]
    page = client.post(
        reverse("households:register"), {"username": "r4"}, REMOTE_ADDR="198.51.100.9"
    )
    assert page.status_code == 429
    other = APIClient(REMOTE_ADDR="203.0.113.1")
    assert (
        other.post("/api/v1/auth/register/", {"username": "r5"}, format="json").status_code == 201
    )


def test_client_address_is_the_connection_without_trusted_proxies(settings, rf):
    from accounts.throttling import client_address

    settings.NUM_PROXIES = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.1"  # a client cannot pick its own bucket


def test_client_address_behind_one_proxy_is_what_the_proxy_saw(settings, rf):
    from accounts.throttling import client_address

    settings.NUM_PROXIES = 1
    forged_then_real = "6.6.6.6, 203.0.113.9"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forged_then_real)
    assert client_address(request) == "203.0.113.9"
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"
