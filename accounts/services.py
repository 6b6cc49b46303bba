"""Writes of the accounts app: registration, sign-in, device sessions, recovery, households.

Every function is keyword-only and the one place its rule lives: the HTML views, the API, the
admin and the management commands call these. Input errors are Django ValidationErrors keyed
by field; a failed sign-in is `None` (the caller gives the same answer whatever failed).
"""

from __future__ import annotations

import hashlib
import secrets
from base64 import b32encode
from dataclasses import dataclass
from datetime import timedelta

import django_otp
import segno
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import (
    DeviceKind,
    DeviceSession,
    Household,
    Invite,
    RecoveryCode,
    RecoveryDevice,
    ReenrolmentLink,
    Role,
    User,
    recovery_code_hash,
)
from accounts.throttling import login_attempt_start, login_attempt_succeeded
from accounts.tokens import refresh_tokens_revoke
from funnels.services import funnel_create_defaults, spendings_author_left, tombstones_flush

REGISTRATION_TTL = timedelta(minutes=10)
INVITE_TTL = timedelta(days=7)
REENROLMENT_LINK_TTL = timedelta(hours=24)
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper

WRONG_CODE = "That code is not right. Type the current 6-digit code from your authenticator."


# --- Households -------------------------------------------------------------------------------


@transaction.atomic
def household_create(*, owner: User, name: str = "") -> Household:
    """Found a household with `owner` as its owner and give them the default funnels."""
    household = Household(name=name or f"{owner.name}'s household")
    household.full_clean()
    household.save()
    owner.household = household
    owner.role = Role.OWNER
    owner.save(update_fields=["household", "role"])
    funnel_create_defaults(user=owner)
    return household


@transaction.atomic
def household_join(*, user: User, household: Household) -> None:
    """Add `user` to an existing household as a member, with the default funnels."""
    user.household = household
    user.role = Role.MEMBER
    user.save(update_fields=["household", "role"])
    funnel_create_defaults(user=user)


_HOUSEHOLD_FIELDS = {"name", "currency", "timezone", "period_start_day", "allowance_mode"}


def _ensure_owner(user: User) -> None:
    if not user.is_owner or user.household_id is None:
        raise PermissionDenied("Only the owner of the household can do this.")


@transaction.atomic
def household_update(*, user: User, **changes: object) -> Household:
    """Change the household's name, currency, time zone, period start day or allowance mode."""
    _ensure_owner(user)
    unknown = set(changes) - _HOUSEHOLD_FIELDS
    if unknown:
        raise TypeError(f"household_update got unknown fields {sorted(unknown)}")
    household = Household.objects.select_for_update().get(pk=user.household_id)
    for field, value in changes.items():
        if field == "currency" and isinstance(value, str):
            value = value.strip().upper()
        if field == "name" and isinstance(value, str):
            value = value.strip()
        setattr(household, field, value)
    household.full_clean()
    household.save()
    return household


# --- Enrolment: a TOTP device and how to put it in an authenticator app ----------------------


@dataclass(frozen=True)
class Enrolment:
    """A TOTP device waiting for its first code, with what the authenticator app needs."""

    user: User
    device: TOTPDevice

    @property
    def secret(self) -> str:
        """The base32 secret for typing into the app by hand."""
        return b32encode(self.device.bin_key).decode()

    @property
    def secret_grouped(self) -> str:
        """The secret in groups of four, easier to type."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))

    @property
    def otpauth_uri(self) -> str:
        return self.device.config_url

    @property
    def qr_svg(self) -> str:
        """The otpauth link as an inline SVG QR code (no script, no style attribute)."""
        qr = segno.make(self.otpauth_uri, error="m")
        return qr.svg_inline(
            scale=5, dark="#000", light="#fff", title="QR code to scan", omitsize=True
        )

    def terminal_qr(self, out: object) -> None:
        """Print the QR code to a terminal (createadmin)."""
        segno.make(self.otpauth_uri, error="m").terminal(out=out, compact=True)


def _new_totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


# --- Registration (SPEC §3.1) -----------------------------------------------------------------


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


@transaction.atomic
def registration_start(
    *, username: str, display_name: str = "", invite_code: str = ""
) -> Enrolment:
    """Create a pending user with an unconfirmed TOTP device; it expires in 10 minutes.

    An expired pending registration holding the username is deleted first.
    """
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


@dataclass(frozen=True)
class SignIn:
    """A completed sign-in: who, with which device, on which new device session."""

    user: User
    device: Device
    session: DeviceSession
    recovery_codes: tuple[str, ...] = ()


@transaction.atomic
def registration_confirm(
    *, username: str, code: str, kind: str = DeviceKind.WEB, user_agent: str = ""
) -> SignIn:
    """Confirm a pending registration with the first code: household, funnels, sign-in.

    Joins the invited household when the registration came with an invite (claimed here, so a
    used or revoked invite fails now), otherwise founds a new one. Returns the 10 new recovery
    codes, which exist in plain text only in this return value.
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
    if invite is not None:
        household_join(user=user, household=invite.household)
    else:
        household_create(owner=user)
    codes = recovery_codes_reset(user=user)
    session = device_session_start(user=user, kind=kind, user_agent=user_agent)
    return SignIn(user=user, device=device, session=session, recovery_codes=tuple(codes))


# --- Codes and sign-in (SPEC §3.2) -------------------------------------------------------------


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


def _require_code(user: User, code: object) -> Device:
    """The device that accepts a current code of a signed-in user, or a ValidationError.

    Wrong codes count against the same per-username throttle as sign-in, so a stolen session
    cannot guess its way to new recovery codes. Call it outside any transaction: the attempt
    count is written to the database cache and must not be rolled back with the error.
    """
    throttled = login_attempt_start(username=user.username, address=None)
    if throttled is not None:
        raise TooManyAttempts(throttled.retry_after)
    device = code_verify(user=user, code=code)
    if device is None:
        raise ValidationError({"code": WRONG_CODE})
    login_attempt_succeeded(username=user.username, address=None)
    return device


# --- Device sessions (SPEC §3.3) ---------------------------------------------------------------


@transaction.atomic
def device_session_start(*, user: User, kind: str, user_agent: str = "") -> DeviceSession:
    """Start a device session for a sign-in; with SINGLE_ACTIVE_DEVICE end every other one.

    Ending means: the user's current session id moves to this one (older browser sessions and
    access tokens compare against it on their next request) and every outstanding refresh token
    of the user is blacklisted.
    """
    session = DeviceSession.objects.create(
        user=user, kind=kind, user_agent=(user_agent or "")[:300]
    )
    if settings.SINGLE_ACTIVE_DEVICE:
        others = DeviceSession.objects.filter(user=user, ended_at__isnull=True).exclude(
            pk=session.pk
        )
        _browser_sessions_delete(others)
        others.update(ended_at=timezone.now())
        refresh_tokens_revoke(user=user)
    User.objects.filter(pk=user.pk).update(current_device_session=session)
    user.current_device_session = session
    return session


def device_session_current_or_start(*, user: User, kind: str = DeviceKind.API) -> DeviceSession:
    """The user's current live device session, or a new one (tests and tools, not sign-in)."""
    current = DeviceSession.objects.filter(
        pk=user.current_device_session_id, user=user, ended_at__isnull=True
    ).first()
    return current or device_session_start(user=user, kind=kind)


def _browser_sessions_delete(device_sessions: QuerySet[DeviceSession]) -> None:
    """Delete the Django sessions of these device sessions' browsers (signed out at once)."""
    keys = device_sessions.exclude(session_key="").values("session_key")
    Session.objects.filter(session_key__in=keys).delete()


@transaction.atomic
def device_session_end(*, user: User, session_id: object) -> None:
    """Sign one device out: end its session and revoke its refresh tokens."""
    ending = DeviceSession.objects.filter(pk=session_id, user=user, ended_at__isnull=True)
    _browser_sessions_delete(ending)
    ending.update(ended_at=timezone.now())
    refresh_tokens_revoke(user=user, session_id=str(session_id))
    User.objects.filter(pk=user.pk, current_device_session_id=session_id).update(
        current_device_session=None
    )


# --- Recovery codes and re-enrolment (SPEC §3.6) -----------------------------------------------


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
    _require_code(user, code)
    return recovery_codes_reset(user=user)


def authenticator_reenrol_start(*, user: User, code: str) -> Enrolment:
    """Begin moving the user's TOTP to a new authenticator; requires a current code.

    The old device keeps working until the new one is confirmed.
    """
    _require_code(user, code)
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
        _ensure_owner(issued_by)
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


@transaction.atomic
def reenrolment_link_complete(
    *, token: str, code: str, kind: str = DeviceKind.WEB, user_agent: str = ""
) -> SignIn:
    """Confirm the new authenticator behind a link: it replaces the old one and signs in."""
    link = _usable_link(token, lock=True)
    if link is None:
        raise ValidationError("This link is not valid: it was used or has expired.")
    user = link.user
    device = authenticator_reenrol_confirm(user=user, code=code)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    session = device_session_start(user=user, kind=kind, user_agent=user_agent)
    return SignIn(user=user, device=device, session=session)


def user_update(*, user: User, display_name: str) -> User:
    """Change what the household sees as the user's name."""
    user.display_name = (display_name or "").strip()
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    user.save(update_fields=["display_name"])
    return user


# --- Invites and members (SPEC §3.5) -----------------------------------------------------------


def invite_create(*, user: User) -> Invite:
    """A single-use invite to the owner's household, valid for 7 days."""
    _ensure_owner(user)
    now = timezone.now()
    return Invite.objects.create(
        code=secrets.token_urlsafe(16),
        household_id=user.household_id,
        created_by=user,
        created_at=now,
        expires_at=now + INVITE_TTL,
    )


def invite_revoke(*, user: User, invite: Invite) -> None:
    """Revoke an invite of the owner's household (a used one stays as it was)."""
    _ensure_owner(user)
    if invite.household_id != user.household_id:
        raise PermissionDenied("This invite is not of your household.")
    Invite.objects.filter(pk=invite.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def member_remove(*, user: User, member: User) -> None:
    """The owner removes a member: their account ends exactly as a deletion (SPEC §3.5)."""
    _ensure_owner(user)
    if member.household_id != user.household_id:
        raise PermissionDenied("This person is not in your household.")
    if member.pk == user.pk:
        raise ValidationError("To leave the household, delete your own account.")
    user_delete(user=member)


def account_delete(*, user: User, code: str) -> None:
    """Delete one's own account after typing a current code (SPEC §3.6)."""
    _require_code(user, code)
    user_delete(user=user)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """End an account and leave nothing orphaned.

    Personal funnels and their spendings go with the user; spendings in shared funnels stay
    with created_by = NULL ("a former member"). When the owner leaves and others remain, the
    longest-standing member becomes the owner; the last member takes the household with them.
    Devices, device sessions, recovery codes and tokens go too, which signs the user out
    everywhere at once.
    """
    OutstandingToken.objects.filter(user=user).delete()  # their FK is SET_NULL, not CASCADE
    _browser_sessions_delete(DeviceSession.objects.filter(user=user))
    if user.household_id is None:
        user.delete()
        return
    household = Household.objects.select_for_update().get(pk=user.household_id)
    others = household.members.exclude(pk=user.pk).order_by("date_joined", "pk")
    successor = others.first()
    if successor is None:
        household.delete()  # cascades to the user, funnels, spendings and invites
        return
    if user.is_owner:
        User.objects.filter(pk=successor.pk).update(role=Role.OWNER)
    spendings_author_left(user=user)
    user.delete()


# --- Daily clean-up ----------------------------------------------------------------------------

KEEP_FINISHED = timedelta(days=30)


def expired_state_flush() -> dict[str, int]:
    """Delete expired sign-in state (`manage.py flush_expired`); returns counts by kind."""
    now = timezone.now()
    old = now - KEEP_FINISHED
    counts = {"pending registrations": pending_registrations_flush()}
    counts["refresh tokens"] = (
        OutstandingToken.objects.filter(expires_at__lte=now)
        .delete()[1]
        .get("token_blacklist.OutstandingToken", 0)
    )
    counts["device sessions"] = DeviceSession.objects.filter(ended_at__lte=old).delete()[0]
    counts["invites"] = Invite.objects.filter(
        models.Q(expires_at__lte=old) | models.Q(used_at__lte=old) | models.Q(revoked_at__lte=old)
    ).delete()[0]
    counts["re-enrolment links"] = ReenrolmentLink.objects.filter(
        models.Q(expires_at__lte=now) | models.Q(used_at__isnull=False)
    ).delete()[0]
    counts["browser sessions"] = Session.objects.filter(expire_date__lte=now).delete()[0]
    counts["deleted-spending records"] = tombstones_flush()
    return counts
