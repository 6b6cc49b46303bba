"""Codes and sign-in (docs/rules.md §3.2); the device session a sign-in starts is
accounts.devices (the one-device policy, docs/rules.md §3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import django_otp
from django.core.exceptions import ValidationError
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.devices import device_session_start
from accounts.models import (
    DeviceKind,
    DeviceSession,
    RecoveryDevice,
    User,
)
from accounts.throttling import login_attempt_start, login_attempt_succeeded
from budget.metrics import sign_in_counted

WRONG_CODE = "That code is not right. Type the current 6-digit code from your authenticator."


@dataclass(frozen=True)
class SignIn:
    """A completed sign-in: who, with which device, on which new device session."""

    user: User
    device: Device
    session: DeviceSession
    recovery_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignInClient:
    """Where a sign-in comes from: the address the throttle counts, and the kind and User-Agent
    of the device session it starts (accounts.web.sign_in_client reads them off a request)."""

    address: str | None = None
    kind: str = DeviceKind.WEB
    user_agent: str = ""

    def session_start(self, user: User) -> DeviceSession:
        """The new device session of `user` on this client (the one-device policy applies)."""
        return device_session_start(user=user, kind=self.kind, user_agent=self.user_agent)


# --- Codes and sign-in (docs/rules.md §3.2) -------------------------------------------------------


def _normalize_code(code: object) -> str:
    return "".join(str(code or "").split())


def _verify(user: User, device: Device, code: object) -> bool:
    """Check `code` on `device` through django-otp: the device row is locked while checking.

    django_otp.verify_token loads the device with SELECT ... FOR UPDATE inside a transaction
    and saves last_t on success, so a TOTP code (or a recovery code) passes only once even when
    it arrives on several requests at the same moment.
    """
    return django_otp.verify_token(user, device.persistent_id, _normalize_code(code)) is not None


def code_verify(*, user: User, code: object) -> Device | None:
    """The device that accepts `code` for `user` (their TOTP app or a recovery code), once."""
    code = _normalize_code(code)
    if not code or len(code) > 32:
        return None
    if code.isdigit() and len(code) == 6:
        # The confirmed authenticator; a user created by createadmin has only an unconfirmed
        # one, which its first successful sign-in confirms.
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
        if device is None or not _verify(user, device, code):
            return None
        if not device.confirmed:
            TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
            device.confirmed = True
        return device
    recovery = RecoveryDevice.objects.filter(user=user).first()
    if recovery is None or not _verify(user, recovery, code):
        return None
    return recovery


def credentials_verify(*, username: str, code: object) -> tuple[User, Device] | None:
    """The user and device for a username and code, or None whatever was wrong."""
    user = User.objects.filter(
        username__iexact=(username or "").strip(),
        registration_expires_at__isnull=True,
        is_active=True,
        household__isnull=False,
    ).first()
    if user is None:
        return None
    device = code_verify(user=user, code=code)
    return (user, device) if device is not None else None


class TooManyAttempts(ValidationError):
    """Too many wrong codes for this user in the current throttle window.

    A ValidationError on "code" (so a form shows it), with `retry_after` seconds for a 429.
    """

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__({"code": f"Too many wrong codes. Try again in about {minutes} min."})
        self.retry_after = retry_after


@contextmanager
def counted_attempt(*, username: str, address: str | None) -> Iterator[None]:
    """Count a code attempt against the throttle of `username` (and of `address`).

    Raises TooManyAttempts past the limit. An attempt whose block raises (a wrong code) stays
    counted; one that completes is uncounted, so the limit is on failures. Use it outside any
    transaction: the count lives in the database cache and must not be rolled back with the
    error.
    """
    throttled = login_attempt_start(username=username, address=address)
    if throttled is not None:
        raise TooManyAttempts(throttled.retry_after)
    yield
    login_attempt_succeeded(username=username, address=address)


class SignInFailed(Exception):
    """Wrong username or wrong code: callers give one answer for both."""


def sign_in(*, username: str, code: object, client: SignInClient) -> SignIn:
    """Sign in with a TOTP or recovery code (docs/rules.md §3.2), throttled per username and
    address; starts a new device session, which ends every other one (docs/rules.md §3.3)."""
    try:
        with counted_attempt(username=username, address=client.address):
            verified = credentials_verify(username=username, code=code)
            if verified is None:
                raise SignInFailed
    except TooManyAttempts:
        sign_in_counted(outcome="throttled")
        raise
    except SignInFailed:
        sign_in_counted(outcome="failed")
        raise
    user, device = verified
    session = client.session_start(user)
    sign_in_counted(outcome="ok")
    return SignIn(user=user, device=device, session=session)


def code_confirm(*, user: User, code: object) -> Device:
    """The device that accepts a current code of a signed-in user, or a ValidationError.

    Wrong codes count against the same per-username throttle as sign-in, so a stolen session
    cannot guess its way to new recovery codes.
    """
    with counted_attempt(username=user.username, address=None):
        device = code_verify(user=user, code=code)
        if device is None:
            raise ValidationError({"code": WRONG_CODE})
    return device
