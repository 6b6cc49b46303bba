"""Reads of the accounts app: device sessions, members, invites, recovery codes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db.models import QuerySet

from accounts.models import DeviceSession, Invite, RecoveryCode, User


def device_session_is_live(*, user: User, session_id: object) -> bool:
    """Whether a browser session or token of `session_id` may still act for `user`.

    With SINGLE_ACTIVE_DEVICE only the user's current device session is live, which costs no
    query (the id is a column of the user row); otherwise any session not ended is.
    """
    try:
        session_uuid = uuid.UUID(str(session_id))
    except ValueError:
        return False
    if settings.SINGLE_ACTIVE_DEVICE:
        return user.current_device_session_id == session_uuid
    return DeviceSession.objects.filter(pk=session_uuid, user=user, ended_at__isnull=True).exists()


def device_session_current(*, user: User) -> DeviceSession | None:
    """The device the user signed in with last (when, which kind, its user agent)."""
    if user.current_device_session_id is None:
        return None
    return DeviceSession.objects.filter(pk=user.current_device_session_id).first()


def household_members(*, user: User) -> QuerySet[User]:
    """The members of the user's household, longest-standing first."""
    return User.objects.filter(household_id=user.household_id).order_by("date_joined", "pk")


def invites_open_for(*, user: User) -> QuerySet[Invite]:
    """Invites of the user's household that can still be used, newest first."""
    return Invite.objects.usable().filter(household_id=user.household_id).order_by("-created_at")


def invites_of(*, user: User) -> QuerySet[Invite]:
    """Every invite of the user's household (to look one up by code for revoking)."""
    return Invite.objects.filter(household_id=user.household_id)


def recovery_codes_left(*, user: User) -> int:
    """How many unused recovery codes the user has."""
    return RecoveryCode.objects.filter(device__user=user).count()
