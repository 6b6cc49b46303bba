"""Registration (docs/rules.md §3.1): pending user, QR page, first code, household, recovery
codes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Household, Invite, RecoveryCode, Role, User
from accounts.services import registration_start
from accounts.tests.factories import totp_code
from funnels.models import Funnel
from households.services import invite_create

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
CONFIRM = "/api/v1/auth/register/confirm/"


def _device(username: str) -> TOTPDevice:
    return TOTPDevice.objects.get(user__username=username)


def test_browser_registration_shows_qr_secret_and_link_on_a_no_store_page(client):
    response = client.post(reverse("households:register"), {"username": "carol"})
    assert response.status_code == 302
    assert response["Location"] == reverse("households:register-confirm")

    page = client.get(reverse("households:register-confirm"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    content = page.content.decode()
    device = _device("carol")
    assert device.confirmed is False
    assert "<svg" in content
    secret = registration_secret = content.split("<code>")[1].split("</code>")[0]
    assert secret.replace(" ", "") == __import__("base64").b32encode(device.bin_key).decode()
    assert registration_secret
    assert "otpauth://totp/Funnels%3Acarol?" in content
    assert "issuer=Funnels" in content
    user = User.objects.get(username="carol")
    assert user.is_pending
    assert user.household is None


def test_browser_registration_first_code_creates_household_signs_in_and_shows_codes(client):
    client.post(reverse("households:register"), {"username": "carol", "display_name": "Carol"})
    device = _device("carol")

    response = client.post(reverse("households:register-confirm"), {"code": totp_code(device)})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode()
    codes = [line.split("<code>")[1].split("</code>")[0] for line in content.split("<li>")[1:]]
    assert len(codes) == 10
    user = User.objects.get(username="carol")
    assert not user.is_pending
    assert user.role == Role.OWNER
    assert user.household.name == "Carol's household"
    assert sorted(Funnel.objects.filter(owner=user).values_list("name", flat=True)) == [
        "Food",
        "Misc",
    ]
    device.refresh_from_db()
    assert device.confirmed is True
    # Only hashes are stored: no code appears in plain text in the database.
    stored = set(RecoveryCode.objects.filter(device__user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    # Signed in: the dashboard opens.
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert dashboard.templates[0].name == "funnels/dashboard.html"


def test_browser_registration_wrong_code_keeps_the_registration_pending(client):
    client.post(reverse("households:register"), {"username": "carol"})
    device = _device("carol")
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("households:register-confirm"), {"code": wrong})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert User.objects.get(username="carol").is_pending
    still_out = client.get("/")
    assert still_out.status_code == 302
    assert still_out["Location"].startswith(reverse("accounts:login"))


def test_api_registration_answers_the_documented_shapes(api_client):
    response = api_client.post(
        REGISTER, {"username": "dave", "display_name": "Dave"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"username", "secret", "otpauth_uri", "qr_svg"}
    assert body["username"] == "dave"
    assert body["otpauth_uri"].startswith("otpauth://totp/Funnels%3Adave?")
    assert f"secret={body['secret']}" in body["otpauth_uri"]
    assert body["qr_svg"].startswith("<svg")
    assert 'viewBox="' in body["qr_svg"]  # it scales to the page instead of being clipped

    device = _device("dave")
    response = api_client.post(
        CONFIRM, {"username": "dave", "code": totp_code(device)}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"access", "refresh", "recovery_codes"}
    assert len(body["recovery_codes"]) == 10
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.status_code == 200
    assert me.json()["role"] == "owner"


def test_api_confirm_with_wrong_or_replayed_code_is_a_400(api_client):
    api_client.post(REGISTER, {"username": "dave"}, format="json")
    device = _device("dave")
    code = totp_code(device)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = api_client.post(CONFIRM, {"username": "dave", "code": wrong}, format="json")
    assert response.status_code == 400
    assert "code" in response.json()
    assert (
        api_client.post(CONFIRM, {"username": "dave", "code": code}, format="json").status_code
        == 201
    )
    # The same code again: the registration is no longer pending, and the code is spent.
    again = api_client.post(CONFIRM, {"username": "dave", "code": code}, format="json")
    assert again.status_code == 400


@pytest.mark.parametrize(
    "body",
    [{}, {"username": ""}, {"username": "has space"}, {"username": "x" * 151}, {"username": 5}],
)
def test_api_register_rejects_bad_usernames(api_client, body):
    response = api_client.post(REGISTER, body, format="json")
    assert response.status_code == 400
    assert "username" in response.json()
    assert not User.objects.exists()


def test_username_taken_case_insensitively(api_client, user):
    response = api_client.post(REGISTER, {"username": "ALICE"}, format="json")
    assert response.status_code == 400
    assert response.json()["username"] == ["This username is taken."]


def test_pending_registration_holds_the_username_for_ten_minutes(api_client):
    assert api_client.post(REGISTER, {"username": "erin"}, format="json").status_code == 201
    response = api_client.post(REGISTER, {"username": "erin"}, format="json")
    assert response.status_code == 400


def test_expired_pending_registration_frees_the_username_and_cannot_be_confirmed(api_client):
    api_client.post(REGISTER, {"username": "erin"}, format="json")
    old_device = _device("erin")
    User.objects.filter(username="erin").update(
        registration_expires_at=timezone.now() - timedelta(seconds=1)
    )

    confirm = api_client.post(
        CONFIRM, {"username": "erin", "code": totp_code(old_device)}, format="json"
    )
    assert confirm.status_code == 400
    assert "username" in confirm.json()

    again = api_client.post(REGISTER, {"username": "erin"}, format="json")
    assert again.status_code == 201
    assert User.objects.filter(username="erin").count() == 1
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()


def test_browser_confirm_page_after_expiry_sends_back_to_register(client):
    client.post(reverse("households:register"), {"username": "erin"})
    User.objects.filter(username="erin").update(registration_expires_at=timezone.now())
    response = client.get(reverse("households:register-confirm"))
    assert response.status_code == 302
    assert response["Location"] == reverse("households:register")


def test_pending_user_cannot_sign_in(api_client):
    api_client.post(REGISTER, {"username": "erin"}, format="json")
    device = _device("erin")
    response = api_client.post(
        "/api/v1/auth/login/", {"username": "erin", "code": totp_code(device)}, format="json"
    )
    assert response.status_code == 401


def test_registering_with_an_invite_joins_that_household_as_member(api_client, user):
    invite = invite_create(user=user)
    response = api_client.post(
        REGISTER, {"username": "frank", "invite": invite.code}, format="json"
    )
    assert response.status_code == 201
    confirm = api_client.post(
        CONFIRM, {"username": "frank", "code": totp_code(_device("frank"))}, format="json"
    )
    assert confirm.status_code == 201
    frank = User.objects.get(username="frank")
    assert frank.household_id == user.household_id
    assert frank.role == Role.MEMBER
    assert Funnel.objects.filter(owner=frank).count() == 2
    invite.refresh_from_db()
    assert invite.used_by == frank
    assert invite.used_at is not None
    assert Household.objects.count() == 1


def test_invite_link_names_household_and_inviter_then_prefills_registration(client, user):
    invite = invite_create(user=user)
    landing = client.get(f"/invite/{invite.code}/")
    assert landing.status_code == 200
    content = landing.content.decode()
    assert f"<h1>Join {escape(user.household.name)}</h1>" in content
    assert f"<strong>{escape(user.name)}</strong> invites you" in content
    register = re.search(r'href="(/register/\?invite=[^"]+)"', content).group(1)
    response = client.get(register.replace("&amp;", "&"))
    assert response.status_code == 200
    assert f'value="{invite.code}"' in response.content.decode()


def test_a_used_or_unknown_invite_link_says_it_does_not_work(client, user):
    response = client.get("/invite/not-a-code/")
    assert response.status_code == 404
    assert "This link does not work any more" in response.content.decode()


def test_an_invite_is_single_use(api_client, user):
    invite = invite_create(user=user)
    api_client.post(REGISTER, {"username": "frank", "invite": invite.code}, format="json")
    api_client.post(
        CONFIRM, {"username": "frank", "code": totp_code(_device("frank"))}, format="json"
    )
    response = api_client.post(REGISTER, {"username": "gina", "invite": invite.code}, format="json")
    assert response.status_code == 400
    assert "invite" in response.json()


def test_an_invite_used_while_a_registration_waits_fails_at_confirm(api_client, user):
    invite = invite_create(user=user)
    api_client.post(REGISTER, {"username": "frank", "invite": invite.code}, format="json")
    api_client.post(REGISTER, {"username": "gina", "invite": invite.code}, format="json")
    first = api_client.post(
        CONFIRM, {"username": "frank", "code": totp_code(_device("frank"))}, format="json"
    )
    assert first.status_code == 201
    second = api_client.post(
        CONFIRM, {"username": "gina", "code": totp_code(_device("gina"))}, format="json"
    )
    assert second.status_code == 400
    assert "invite" in second.json()
    assert User.objects.get(username="gina").household is None


def test_expired_or_revoked_invites_are_refused(api_client, user):
    expired = invite_create(user=user)
    Invite.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked = invite_create(user=user)
    Invite.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    for code in (expired.code, revoked.code, "no-such-code"):
        response = api_client.post(REGISTER, {"username": "hank", "invite": code}, format="json")
        assert response.status_code == 400
        assert "invite" in response.json()


def test_registration_service_strips_and_keeps_display_name():
    enrolment = registration_start(username="  ivy ", display_name=" Ivy ")
    assert enrolment.user.username == "ivy"
    assert enrolment.user.display_name == "Ivy"
    assert enrolment.user.registration_expires_at > timezone.now() + timedelta(minutes=9)


def test_registration_accepts_the_code_spaced_as_authenticator_apps_show_it(client):
    client.post(reverse("households:register"), {"username": "dora"})
    code = totp_code(_device("dora"))
    response = client.post(
        reverse("households:register-confirm"), {"code": f"{code[:3]} {code[3:]}"}
    )
    assert response.status_code == 200
    assert not User.objects.get(username="dora").is_pending


def test_registration_code_that_is_not_six_digits_is_refused_with_a_message(client):
    client.post(reverse("households:register"), {"username": "dora"})
    response = client.post(reverse("households:register-confirm"), {"code": "12 34a6"})
    assert response.status_code == 400
    assert "Type the 6 digits your authenticator app shows." in response.content.decode()
    assert User.objects.get(username="dora").is_pending
