"""Reads of the accounts app: device sessions, recovery codes."""

from __future__ import annotations

import uuid

from django.conf import settings

from accounts.models import DeviceSession, RecoveryCode, User


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


def recovery_codes_left(*, user: User) -> int:
    """How many unused recovery codes the user has."""
    return RecoveryCode.objects.filter(device__user=user).count()
