"""Recovery codes, re-enrolling the authenticator and re-enrolment links (docs/rules.md §3.6)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    RecoveryCode,
    RecoveryDevice,
    ReenrolmentLink,
    User,
    recovery_code_hash,
)
from accounts.services.enrolment import Enrolment, _new_totp_device
from accounts.services.ownership import owner_ensure
from accounts.services.signin import (
    WRONG_CODE,
    SignIn,
    SignInClient,
    _verify,
    code_confirm,
    counted_attempt,
)

REENROLMENT_LINK_TTL = timedelta(hours=24)
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper


# --- Recovery codes and re-enrolment (docs/rules.md §3.6) -----------------------------------------


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def recovery_codes_reset(*, user: User) -> list[str]:
    """Replace the user's recovery codes with 10 new ones; only their hashes are kept."""
    device, _ = RecoveryDevice.objects.select_for_update().get_or_create(
        user=user, defaults={"name": "Recovery codes", "salt": secrets.token_hex(16)}
    )
    device.salt = secrets.token_hex(16)
    device.save(update_fields=["salt"])
    device.codes.all().delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=recovery_code_hash(device.salt, code))
        for code in codes
    )
    return codes


def recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """New recovery codes for a signed-in user who types a current code."""
    code_confirm(user=user, code=code)
    return recovery_codes_reset(user=user)


def authenticator_reenrol_start(*, user: User, code: str) -> Enrolment:
    """Begin moving the user's TOTP to a new authenticator; requires a current code.

    The old device keeps working until the new one is confirmed.
    """
    code_confirm(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return Enrolment(user=user, device=_new_totp_device(user))


def authenticator_reenrol_pending(*, user: User) -> Enrolment | None:
    """The new authenticator waiting for its first code, if a re-enrolment is under way."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return Enrolment(user=user, device=device) if device else None


@transaction.atomic
def authenticator_reenrol_confirm(*, user: User, code: str) -> TOTPDevice:
    """Confirm the new authenticator with its first code; it replaces the old one."""
    pending = authenticator_reenrol_pending(user=user)
    if pending is None or not _verify(user, pending.device, code):
        raise ValidationError({"code": WRONG_CODE})
    TOTPDevice.objects.filter(user=user).exclude(pk=pending.device.pk).delete()
    TOTPDevice.objects.filter(pk=pending.device.pk).update(confirmed=True)
    pending.device.confirmed = True
    return pending.device


def _link_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def reenrolment_link_issue(*, issued_by: User | None, user: User) -> str:
    """A one-time re-enrolment token for `user` (the owner's or an admin's action).

    Earlier unused links of the user stop working. Returns the token for the link
    /reenrol/<token>/; only its hash is stored.
    """
    if issued_by is not None and not issued_by.is_staff:
        owner_ensure(user=issued_by)
        if user.household_id != issued_by.household_id:
            raise PermissionDenied("This person is not in your household.")
    ReenrolmentLink.objects.filter(user=user, used_at__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    ReenrolmentLink.objects.create(
        token_hash=_link_hash(token),
        user=user,
        created_by=issued_by,
        expires_at=timezone.now() + REENROLMENT_LINK_TTL,
    )
    return token


def _usable_link(token: str, *, lock: bool = False) -> ReenrolmentLink | None:
    links = ReenrolmentLink.objects.select_related("user")
    if lock:
        links = links.select_for_update()
    return links.filter(
        token_hash=_link_hash(token or ""), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


@transaction.atomic
def reenrolment_link_open(*, token: str) -> Enrolment | None:
    """The enrolment behind a usable link (a new unconfirmed device), or None if not usable."""
    link = _usable_link(token)
    if link is None:
        return None
    device = (
        TOTPDevice.objects.filter(user=link.user, confirmed=False, created_at__gte=link.created_at)
        .order_by("-id")
        .first()
    )
    if device is None:
        TOTPDevice.objects.filter(user=link.user, confirmed=False).delete()
        device = _new_totp_device(link.user)
    return Enrolment(user=link.user, device=device)


def reenrolment_link_complete(*, token: str, code: str, client: SignInClient) -> SignIn:
    """Confirm the new authenticator behind a link: it replaces the old one and signs in.

    Throttled like sign-in, per the link's user and the client address.
    """
    link = _usable_link(token)
    if link is None:
        raise ValidationError("This link is not valid: it was used or has expired.")
    with counted_attempt(username=link.user.username, address=client.address):
        return _reenrolment_link_complete(token=token, code=code, client=client)


@transaction.atomic
def _reenrolment_link_complete(*, token: str, code: str, client: SignInClient) -> SignIn:
    link = _usable_link(token, lock=True)
    if link is None:
        raise ValidationError("This link is not valid: it was used or has expired.")
    user = link.user
    device = authenticator_reenrol_confirm(user=user, code=code)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return SignIn(user=user, device=device, session=client.session_start(user))
