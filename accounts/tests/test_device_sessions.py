"""One active device (docs/rules.md §3.3): each sign-in ends every other device, browser and API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.devices import device_session_current
from accounts.models import DeviceKind, DeviceSession
from accounts.tests.factories import api_login, bearer, browser_login, totp_device

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
REFRESH = "/api/v1/auth/refresh/"
ME = "/api/v1/me/"


@pytest.fixture
def device(user):
    return totp_device(user)


def _me(access: str) -> int:
    return bearer(access).get(ME).status_code


def test_a_new_browser_sign_in_signs_the_older_browser_out(device):
    old = browser_login(device)
    assert old.get("/").status_code == 200
    new = browser_login(device)
    response = old.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert new.get("/").status_code == 200
    # The old browser stays signed out (its session was flushed).
    assert old.get("/").status_code == 302


def test_an_api_sign_in_signs_the_browser_out_and_a_browser_sign_in_the_app(device):
    browser = browser_login(device)
    pair = api_login(device)
    assert browser.get("/").status_code == 302
    assert _me(pair["access"]) == 200
    browser_login(device)
    assert _me(pair["access"]) == 401
    assert APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401


def test_a_new_api_sign_in_rejects_older_access_and_refresh_tokens_at_once(device):
    old = api_login(device)
    new = api_login(device)
    assert _me(old["access"]) == 401
    assert APIClient().post(REFRESH, {"refresh": old["refresh"]}, format="json").status_code == 401
    assert _me(new["access"]) == 200
    assert APIClient().post(REFRESH, {"refresh": new["refresh"]}, format="json").status_code == 200


def test_device_sessions_are_recorded(device, user):
    browser_login(device)
    api_login(device)
    sessions = list(DeviceSession.objects.filter(user=user).order_by("created_at"))
    assert [s.kind for s in sessions] == [DeviceKind.WEB, DeviceKind.API]
    assert sessions[0].ended_at is not None
    assert sessions[1].ended_at is None
    assert sessions[0].user_agent == "Firefox on a phone"
    user.refresh_from_db()
    assert device_session_current(user=user) == sessions[1]


def test_with_single_active_device_off_every_device_stays_signed_in(device, settings):
    settings.SINGLE_ACTIVE_DEVICE = False
    browser = browser_login(device)
    first = api_login(device)
    second = api_login(device)
    other_browser = browser_login(device)
    assert browser.get("/").status_code == 200
    assert other_browser.get("/").status_code == 200
    assert _me(first["access"]) == 200
    assert _me(second["access"]) == 200
    assert (
        APIClient().post(REFRESH, {"refresh": first["refresh"]}, format="json").status_code == 200
    )


def test_with_single_active_device_off_a_logged_out_device_is_still_rejected(device, settings):
    settings.SINGLE_ACTIVE_DEVICE = False
    first = api_login(device)
    second = api_login(device)
    APIClient().post("/api/v1/auth/logout/", {"refresh": first["refresh"]}, format="json")
    assert _me(first["access"]) == 401
    assert _me(second["access"]) == 200


@pytest.mark.parametrize("single", [True, False])
def test_the_device_check_costs_no_extra_query(device, settings, django_assert_num_queries, single):
    """An authenticated API request loads the user and checks its device in ONE query."""
    settings.SINGLE_ACTIVE_DEVICE = single
    pair = api_login(device)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    # /api/v1/auth/... endpoints take no token; this view only authenticates, then answers 400.
    with django_assert_num_queries(1):
        response = client.patch("/api/v1/household/", {"period_start_day": 0}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize(("single", "queries"), [(True, 2), (False, 3)])
def test_browser_device_check_costs_at_most_one_query(
    device, settings, django_assert_num_queries, single, queries
):
    """Session and user: 2 (the sliding session is renewed at most once a day, not here).

    With SINGLE_ACTIVE_DEVICE the device-session id is a column of the user row: no extra
    query. Without it, one EXISTS query checks that this browser's session was not ended.
    """
    settings.SINGLE_ACTIVE_DEVICE = single
    browser = browser_login(device)
    with django_assert_num_queries(queries):
        # The login page reads request.user (base.html) and nothing else.
        response = browser.get(reverse("accounts:login"))
    assert response.status_code == 200


def test_the_older_browser_session_is_deleted_at_once_not_only_refused(device, user):
    from django.contrib.sessions.models import Session

    old = browser_login(device)
    old_key = old.session.session_key
    assert Session.objects.filter(session_key=old_key).exists()
    api_login(device)
    assert not Session.objects.filter(session_key=old_key).exists()
