"""JWT pairs for the API, bound to a device session (the `sid` claim), and their rotation.

Which device sessions are live, and ending them, is the one-device policy of accounts.devices.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.devices import (
    SESSION_CLAIM,
    device_session_current_or_start,
    device_session_end,
    device_session_is_live,
)
from accounts.models import DeviceSession, User
from budget.metrics import token_refresh_counted

__all__ = ["SESSION_CLAIM", "InvalidRefreshToken", "token_logout", "token_pair_for"]


class InvalidRefreshToken(Exception):
    """The refresh token is malformed, expired, revoked, already used or of a past device."""


def token_pair_issue(*, device_session: DeviceSession) -> dict[str, str]:
    """A new access/refresh pair for the user of `device_session`, carrying its id."""
    user = device_session.user
    refresh = RefreshToken()
    refresh[api_settings.USER_ID_CLAIM] = str(user.pk)
    refresh[SESSION_CLAIM] = str(device_session.pk)
    # Recorded as outstanding with its final claims, so it can be revoked by device session.
    OutstandingToken.objects.create(
        user=user,
        jti=refresh[api_settings.JTI_CLAIM],
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    # The access token copies every claim of the refresh token but its type, jti, iat and exp.
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def token_pair_for(user: User) -> dict[str, str]:
    """A pair for `user` on their current device session (one is started if there is none).

    Meant for tests and tools; the login endpoints start a new device session instead.
    """
    return token_pair_issue(device_session=device_session_current_or_start(user=user))


def token_pair_rotate(*, raw_refresh: str) -> dict[str, str]:
    """Trade a refresh token for a new pair, revoking it; exactly once per token (counted)."""
    try:
        pair = _token_pair_rotate(raw_refresh=raw_refresh)
    except InvalidRefreshToken:
        token_refresh_counted(outcome="failed")
        raise
    token_refresh_counted(outcome="ok")
    return pair


@transaction.atomic
def _token_pair_rotate(*, raw_refresh: str) -> dict[str, str]:
    """Trade a refresh token for a new pair, revoking it; exactly once per token.

    The outstanding row of the presented token is locked (SELECT ... FOR UPDATE; on SQLite the
    IMMEDIATE transaction serializes writers), so of several concurrent rotations of one token
    the first blacklists it and the others find it blacklisted.
    """

    try:
        refresh = RefreshToken(raw_refresh)  # signature, expiry, type and blacklist
    except TokenError as exc:
        raise InvalidRefreshToken(str(exc)) from None
    jti = refresh[api_settings.JTI_CLAIM]
    outstanding = (
        OutstandingToken.objects.select_for_update(of=("self",))
        .filter(jti=jti)
        .select_related("user")
        .first()
    )
    if outstanding is None or outstanding.user is None:
        raise InvalidRefreshToken("Token is not known.")
    if BlacklistedToken.objects.filter(token=outstanding).exists():
        raise InvalidRefreshToken("Token is blacklisted")
    user: User = outstanding.user
    if not user.is_active or str(user.pk) != str(refresh.get(api_settings.USER_ID_CLAIM)):
        raise InvalidRefreshToken("No active account found for the given token.")
    if not device_session_is_live(user=user, session_id=refresh.get(SESSION_CLAIM)):
        raise InvalidRefreshToken("This device was signed out.")
    session = DeviceSession.objects.filter(pk=refresh[SESSION_CLAIM], user=user).first()
    if session is None:
        raise InvalidRefreshToken("This device was signed out.")
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError:
        raise InvalidRefreshToken("Token is blacklisted") from None
    session.user = user
    return token_pair_issue(device_session=session)


def token_logout(*, raw_refresh: str) -> None:
    """Sign out the device session of a refresh token: it and its siblings stop working.

    A token of ours that was already used or revoked still signs its device out (logging out
    twice is fine); a token that is not ours, expired or not a refresh token is refused.
    """
    try:
        refresh = RefreshToken(raw_refresh, verify=False)
        refresh.token_backend.decode(raw_refresh, verify=True)  # signature and expiry
        refresh.verify_token_type()
    except TokenError as exc:
        raise InvalidRefreshToken(str(exc)) from None
    user = User.objects.filter(pk=refresh.get(api_settings.USER_ID_CLAIM)).first()
    session_id = refresh.get(SESSION_CLAIM)
    if user is not None and session_id:
        device_session_end(user=user, session_id=session_id)
