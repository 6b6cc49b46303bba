"""Sign-in (docs/rules.md §3.2) in the browser and through the API, with TOTP and recovery codes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.middleware import DEVICE_SESSION_KEY
from accounts.services import recovery_codes_reset
from accounts.tests.factories import totp_code, totp_device

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"


def _wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def test_login_page_has_labelled_fields(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<label for="id_username">' in content
    assert '<label for="id_code">' in content
    assert "no-store" in response["Cache-Control"]


def test_browser_login_with_totp_signs_in_and_goes_to_next(client, user):
    device = totp_device(user)
    response = client.post(
        reverse("accounts:login"),
        {"username": "Alice", "code": totp_code(device), "next": "/funnels/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/funnels/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    user.refresh_from_db()
    assert client.session[DEVICE_SESSION_KEY] == str(user.current_device_session_id)
    assert client.get("/").status_code == 200


def test_browser_login_ignores_an_offsite_next(client, user):
    device = totp_device(user)
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "code": totp_code(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("funnels:dashboard")


def test_browser_login_unknown_user_and_wrong_code_get_the_same_answer(client, user):
    device = totp_device(user)
    wrong = client.post(
        reverse("accounts:login"), {"username": "alice", "code": _wrong(totp_code(device))}
    )
    unknown = client.post(reverse("accounts:login"), {"username": "nobody", "code": "123456"})
    assert wrong.status_code == unknown.status_code == 400
    assert "That username and code do not match." in wrong.content.decode()
    assert wrong.context["form"].errors == unknown.context["form"].errors
    assert client.get("/").status_code == 302


def test_browser_login_with_missing_fields_is_a_form_error(client):
    response = client.post(reverse("accounts:login"), {"username": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_api_login_returns_a_token_pair(api_client, user):
    device = totp_device(user)
    response = api_client.post(
        LOGIN, {"username": "alice", "code": totp_code(device)}, format="json"
    )
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access", "refresh"}


def test_api_login_unknown_user_and_wrong_code_get_the_same_401(api_client, user):
    device = totp_device(user)
    wrong = api_client.post(
        LOGIN, {"username": "alice", "code": _wrong(totp_code(device))}, format="json"
    )
    unknown = api_client.post(LOGIN, {"username": "nobody", "code": "123456"}, format="json")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "That username and code do not match."}
    assert wrong["WWW-Authenticate"] == unknown["WWW-Authenticate"]


def test_a_replayed_totp_code_is_rejected(api_client, user):
    device = totp_device(user)
    code = totp_code(device)
    first = api_client.post(LOGIN, {"username": "alice", "code": code}, format="json")
    second = api_client.post(LOGIN, {"username": "alice", "code": code}, format="json")
    assert first.status_code == 200
    assert second.status_code == 401


def test_a_code_one_step_away_is_accepted_but_two_steps_is_not(api_client, user):
    device = totp_device(user)
    far = api_client.post(
        LOGIN, {"username": "alice", "code": totp_code(device, steps=3)}, format="json"
    )
    assert far.status_code == 401
    near = api_client.post(
        LOGIN, {"username": "alice", "code": totp_code(device, steps=-1)}, format="json"
    )
    assert near.status_code == 200


def test_recovery_code_signs_in_once(api_client, user):
    totp_device(user)
    codes = recovery_codes_reset(user=user)
    first = api_client.post(LOGIN, {"username": "alice", "code": codes[3]}, format="json")
    assert first.status_code == 200
    again = api_client.post(LOGIN, {"username": "alice", "code": codes[3]}, format="json")
    assert again.status_code == 401
    # Any case, spaces and dashes: the same code.
    other = codes[4].lower().replace("-", " ")
    assert (
        api_client.post(LOGIN, {"username": "alice", "code": other}, format="json").status_code
        == 200
    )


def test_browser_login_with_a_recovery_code_is_verified(client, user):
    totp_device(user)
    codes = recovery_codes_reset(user=user)
    response = client.post(reverse("accounts:login"), {"username": "alice", "code": codes[0]})
    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("accounts.recoverydevice/")


def test_another_users_code_does_not_work(api_client, user, stranger):
    totp_device(user)
    theirs = totp_device(stranger)
    response = api_client.post(
        LOGIN, {"username": "alice", "code": totp_code(theirs)}, format="json"
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "alice"},
        {"code": "123456"},
        {"username": ["alice"], "code": "123456"},
        {"username": "alice", "code": 123456},
        {"username": "alice", "code": "1" * 33},
    ],
)
def test_api_login_bad_input_is_a_400(api_client, user, body):
    response = api_client.post(LOGIN, body, format="json")
    assert response.status_code == 400
    assert response.json()


def test_logout_signs_the_browser_out(client, user):
    device = totp_device(user)
    client.post(reverse("accounts:login"), {"username": "alice", "code": totp_code(device)})
    user.refresh_from_db()
    session_id = user.current_device_session_id
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    user.refresh_from_db()
    assert user.current_device_session_id is None
    assert user.device_sessions.get(pk=session_id).ended_at is not None


def test_pages_need_a_sign_in_but_sign_in_pages_do_not(client):
    for url in ("/", "/admin/"):
        assert client.get(url).status_code == 302
    for url in ("/login/", "/register/", "/healthz"):
        assert client.get(url).status_code == 200
    assert client.get("/api/v1/me/").status_code == 401
