"""Recovery codes and re-enrolling the authenticator (docs/rules.md §3.6), each needing a
current code."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode
from accounts.selectors import recovery_codes_left
from accounts.services import (
    authenticator_reenrol_confirm,
    authenticator_reenrol_pending,
    authenticator_reenrol_start,
    code_verify,
    recovery_codes_regenerate,
    recovery_codes_reset,
)
from accounts.tests.factories import totp_code, totp_device

pytestmark = pytest.mark.django_db


def test_regenerating_recovery_codes_needs_a_current_code_and_replaces_them(user):
    device = totp_device(user)
    old = recovery_codes_reset(user=user)
    with pytest.raises(ValidationError) as error:
        recovery_codes_regenerate(user=user, code="123456")
    assert "code" in error.value.message_dict
    new = recovery_codes_regenerate(user=user, code=totp_code(device))
    assert len(new) == 10
    assert len(set(new)) == 10
    assert recovery_codes_left(user=user) == 10
    assert code_verify(user=user, code=old[0]) is None
    assert code_verify(user=user, code=new[0]) is not None
    assert recovery_codes_left(user=user) == 9


def test_a_recovery_code_can_authorise_regenerating(user):
    totp_device(user)
    codes = recovery_codes_reset(user=user)
    new = recovery_codes_regenerate(user=user, code=codes[0])
    assert set(new).isdisjoint(codes)


def test_recovery_codes_are_stored_hashed(user):
    codes = recovery_codes_reset(user=user)
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert all(len(h) == 64 for h in stored)
    for code in codes:
        assert all(code not in h and code.replace("-", "") not in h for h in stored)


def test_reenrolling_needs_a_current_code_and_keeps_the_old_device_until_confirmed(user):
    old = totp_device(user)
    with pytest.raises(ValidationError):
        authenticator_reenrol_start(user=user, code="123456")
    enrolment = authenticator_reenrol_start(user=user, code=totp_code(old))
    assert enrolment.device.confirmed is False
    assert enrolment.otpauth_uri.startswith("otpauth://totp/Funnels%3Aalice?")
    assert authenticator_reenrol_pending(user=user).device == enrolment.device

    # A wrong code, or the old device's code, does not confirm the new one.
    with pytest.raises(ValidationError):
        authenticator_reenrol_confirm(user=user, code=totp_code(old, steps=1))
    assert TOTPDevice.objects.filter(pk=old.pk).exists()

    new = authenticator_reenrol_confirm(user=user, code=totp_code(enrolment.device))
    assert new.confirmed
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    assert authenticator_reenrol_pending(user=user) is None


def test_the_new_authenticator_signs_in_after_reenrolling(api_client, user):
    old = totp_device(user)
    enrolment = authenticator_reenrol_start(user=user, code=totp_code(old))
    authenticator_reenrol_confirm(user=user, code=totp_code(enrolment.device))
    response = api_client.post(
        "/api/v1/auth/login/",
        {"username": "alice", "code": totp_code(enrolment.device, steps=1)},
        format="json",
    )
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    stale = api_client.post(
        "/api/v1/auth/login/", {"username": "alice", "code": totp_code(old, steps=1)}, format="json"
    )
    assert stale.status_code == 401  # the old authenticator no longer works


def test_wrong_codes_for_account_actions_are_throttled_like_sign_in(user, api_client_for):
    from accounts.services import TooManyAttempts

    device = totp_device(user)
    for _ in range(5):
        with pytest.raises(ValidationError):
            recovery_codes_regenerate(user=user, code="000000x")
    with pytest.raises(TooManyAttempts) as error:
        recovery_codes_regenerate(user=user, code=totp_code(device))
    assert error.value.retry_after > 0
    assert "Too many wrong codes" in error.value.message_dict["code"][0]
    response = api_client_for(user).delete(
        "/api/v1/me/", {"code": totp_code(device)}, format="json"
    )
    assert response.status_code == 429
    assert response["Retry-After"]
