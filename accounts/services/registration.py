"""Passwordless registration (docs/rules.md §3.1): the pending user and its first code.

Founding or joining the household on confirmation is households.services.registration_confirm.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Invite, User
from accounts.services.enrolment import Enrolment, _new_totp_device
from accounts.services.signin import WRONG_CODE, _verify
from accounts.throttling import registration_record, registration_throttle_check

REGISTRATION_TTL = timedelta(minutes=10)


# --- Registration (docs/rules.md §3.1) ------------------------------------------------------------


def pending_registrations_flush() -> int:
    """Delete registrations not confirmed within REGISTRATION_TTL; returns how many."""
    expired = User.objects.filter(registration_expires_at__lte=timezone.now())
    count = expired.count()
    expired.delete()
    return count


def _invite_usable(code: str) -> Invite:
    invite = Invite.objects.usable().filter(code=code.strip()).first() if code.strip() else None
    if invite is None:
        raise ValidationError(
            {"invite": "This invite is not valid: it was used, revoked or has expired."}
        )
    return invite


class TooManyRegistrations(ValidationError):
    """This address started too many registrations in the current window."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(f"Too many registrations from here. Try again in about {minutes} min.")
        self.retry_after = retry_after


def registration_start(
    *, username: str, display_name: str = "", invite_code: str = "", address: str | None = None
) -> Enrolment:
    """Create a pending user with an unconfirmed TOTP device; it expires in 10 minutes.

    Limited per client `address` (each pending registration holds a username). An expired
    pending registration holding the username is deleted first.
    """
    if address is not None and (throttled := registration_throttle_check(address=address)):
        raise TooManyRegistrations(throttled.retry_after)
    enrolment = _registration_create(
        username=username, display_name=display_name, invite_code=invite_code
    )
    if address is not None:
        registration_record(address=address)
    return enrolment


@transaction.atomic
def _registration_create(*, username: str, display_name: str, invite_code: str) -> Enrolment:
    username = (username or "").strip()
    invite = _invite_usable(invite_code) if invite_code else None
    User.objects.filter(
        username__iexact=username, registration_expires_at__lte=timezone.now()
    ).delete()
    if username and User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "This username is taken."})
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username,
                display_name=(display_name or "").strip(),
                household=None,
                registration_expires_at=timezone.now() + REGISTRATION_TTL,
                registration_invite=invite,
            )
    except IntegrityError:  # a concurrent registration took the name between check and insert
        raise ValidationError({"username": "This username is taken."}) from None
    return Enrolment(user=user, device=_new_totp_device(user))


def registration_pending(*, username: str) -> Enrolment | None:
    """The enrolment of a registration still waiting for its first code, if any."""
    user = User.objects.filter(
        username__iexact=(username or "").strip(), registration_expires_at__gt=timezone.now()
    ).first()
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() if user else None
    return Enrolment(user=user, device=device) if device else None


@transaction.atomic
def registration_claim(*, username: str, code: str) -> tuple[User, TOTPDevice, Invite | None]:
    """Confirm a pending registration with its first code: the user is pending no more.

    Claims the registration's invite (so a used or revoked invite fails now) and returns it,
    or None when the user founds a household. The caller (households.services.
    registration_confirm) throttles the attempt, then joins or founds the household in the
    same transaction: this function alone leaves a user without a household.
    """
    user = (
        User.objects.select_for_update()
        .filter(username__iexact=(username or "").strip(), registration_expires_at__isnull=False)
        .first()
    )
    if user is None or user.registration_expires_at <= timezone.now():
        raise ValidationError(
            {
                "username": "No registration is waiting for this username (they expire after 10 "
                "minutes). Start again."
            }
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not _verify(user, device, code):
        raise ValidationError({"code": WRONG_CODE})
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    invite = user.registration_invite
    if invite is not None:
        claimed = (
            Invite.objects.usable()
            .filter(pk=invite.pk)
            .update(used_at=timezone.now(), used_by=user)
        )
        if not claimed:
            raise ValidationError(
                {"invite": "This invite was used, revoked or expired in the meantime."}
            )
    user.registration_expires_at = None
    user.registration_invite = None
    user.save(update_fields=["registration_expires_at", "registration_invite"])
    return user, device, invite
