"""The one-device policy (docs/rules.md §3.3), in one place.

Every sign-in starts a device session. With SINGLE_ACTIVE_DEVICE (the default) it ends every
other device session of the user at once: their browser sessions are deleted, their refresh
tokens blacklisted, and the user's `current_device_session` moves to the new one, which is
what browser sessions (accounts.middleware) and access tokens (accounts.authentication)
compare against on each request, at no extra query. Without it any session not ended is live.

The JWT side (accounts.tokens) binds each token pair to a device session through the `sid`
claim; this module only reads that claim back.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import DeviceKind, DeviceSession, User

SESSION_CLAIM = "sid"  # the device session a JWT pair belongs to
USER_AGENT_LENGTH = 300


# --- Which sessions are live -------------------------------------------------------------------


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


def device_session_user(*, user_id: int, session_id: uuid.UUID) -> tuple[User | None, bool]:
    """The active user of an access token and whether its device session is live, in one query.

    With SINGLE_ACTIVE_DEVICE the session id is compared with the user's
    `current_device_session_id` column; otherwise an EXISTS subquery checks it was not ended.
    """
    users = User.objects.filter(pk=user_id, is_active=True)
    if not settings.SINGLE_ACTIVE_DEVICE:
        live = DeviceSession.objects.filter(
            pk=session_id, user=OuterRef("pk"), ended_at__isnull=True
        )
        user = users.annotate(session_live=Exists(live)).first()
        return user, bool(user is not None and user.session_live)
    user = users.first()
    return user, bool(user is not None and user.current_device_session_id == session_id)


def device_session_current(*, user: User) -> DeviceSession | None:
    """The device the user signed in with last (when, which kind, its user agent)."""
    if user.current_device_session_id is None:
        return None
    return DeviceSession.objects.filter(pk=user.current_device_session_id).first()


# --- Starting and ending -----------------------------------------------------------------------


@transaction.atomic
def device_session_start(*, user: User, kind: str, user_agent: str = "") -> DeviceSession:
    """Start a device session for a sign-in; with SINGLE_ACTIVE_DEVICE end every other one.

    Ending means: the user's current session id moves to this one (older browser sessions and
    access tokens compare against it on their next request), the older browser sessions are
    deleted and every outstanding refresh token of the user is blacklisted.
    """
    session = DeviceSession.objects.create(
        user=user, kind=kind, user_agent=(user_agent or "")[:USER_AGENT_LENGTH]
    )
    if settings.SINGLE_ACTIVE_DEVICE:
        others = DeviceSession.objects.filter(user=user, ended_at__isnull=True).exclude(
            pk=session.pk
        )
        browser_sessions_delete(device_sessions=others)
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


@transaction.atomic
def device_session_end(*, user: User, session_id: object) -> None:
    """Sign one device out: end its session, delete its browser session, revoke its tokens."""
    ending = DeviceSession.objects.filter(pk=session_id, user=user, ended_at__isnull=True)
    browser_sessions_delete(device_sessions=ending)
    ending.update(ended_at=timezone.now())
    refresh_tokens_revoke(user=user, session_id=str(session_id))
    User.objects.filter(pk=user.pk, current_device_session_id=session_id).update(
        current_device_session=None
    )


def device_sessions_end_all(*, user: User) -> None:
    """Sign the user out everywhere before their account goes: browser sessions and tokens.

    The token rows are deleted, not blacklisted: their user FK is SET_NULL, not CASCADE.
    """
    OutstandingToken.objects.filter(user=user).delete()
    browser_sessions_delete(device_sessions=DeviceSession.objects.filter(user=user))


def browser_sessions_delete(*, device_sessions: QuerySet[DeviceSession]) -> None:
    """Delete the Django sessions of these device sessions' browsers (signed out at once)."""
    keys = device_sessions.exclude(session_key="").values("session_key")
    Session.objects.filter(session_key__in=keys).delete()


def refresh_tokens_revoke(*, user: User, session_id: str | None = None) -> int:
    """Blacklist every outstanding refresh token of `user` (or only of one device session).

    Returns how many were revoked. Tokens are matched on their `sid` claim, read back from the
    stored token text.
    """
    outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    revoked = 0
    for token in outstanding:
        if session_id is not None and not _token_has_session(token.token, session_id):
            continue
        _, created = BlacklistedToken.objects.get_or_create(token=token)
        revoked += int(created)
    return revoked


def _token_has_session(raw: str, session_id: str) -> bool:
    try:
        return str(RefreshToken(raw, verify=False).get(SESSION_CLAIM)) == session_id
    except TokenError:
        return False


def browser_name(user_agent: str) -> str:
    """'Firefox on Android' from a User-Agent header: enough for a person to recognise it."""
    agent = user_agent or ""
    browser = next(
        (name for token, name in _BROWSERS if token in agent), "a browser" if agent else "an app"
    )
    system = next((name for token, name in _SYSTEMS if token in agent), "")
    return f"{browser} on {system}" if system else browser


_BROWSERS = (
    ("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("okhttp", "the app"),
)  # fmt: skip
_SYSTEMS = (
    ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
    ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
)  # fmt: skip


def device_session_replaced(*, session_key: str) -> DeviceSession | None:
    """The newer sign-in that ended the browser session `session_key`, if that is what ended it.

    A newer sign-in ends the older sessions (device_session_start) and deletes their Django
    sessions, so the browser comes back with a cookie nobody knows: its key is still on the
    ended device session. A sign-out or a removal ends a session without a newer one.
    """
    if not session_key:
        return None
    ended = (
        DeviceSession.objects.filter(session_key=session_key, ended_at__isnull=False)
        .order_by("-ended_at")
        .first()
    )
    if ended is None:
        return None
    return (
        DeviceSession.objects.filter(
            user_id=ended.user_id, created_at__gte=ended.created_at, created_at__lte=ended.ended_at
        )
        .exclude(pk=ended.pk)
        .order_by("-created_at")
        .first()
    )
