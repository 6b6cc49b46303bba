"""API authentication: Bearer JWT access tokens only (never the session), per device session."""

from __future__ import annotations

import uuid

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from accounts.devices import SESSION_CLAIM, device_session_user
from accounts.models import User


class DeviceJWTAuthentication(JWTAuthentication):
    """JWT access-token authentication that also rejects tokens of a signed-out device.

    It stays the first authentication class so that a missing or bad token answers 401 with
    `WWW-Authenticate: Bearer`, never 403. Whether the token's device session is still live is
    the one-device policy of accounts.devices (one query with the user).
    """

    def get_user(self, validated_token: Token) -> User:
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
            session_id = uuid.UUID(str(validated_token[SESSION_CLAIM]))
        except (KeyError, TypeError, ValueError):
            raise InvalidToken("Token contained no recognizable user or device session.") from None
        user, live = device_session_user(user_id=user_id, session_id=session_id)
        if user is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        if not live:
            raise AuthenticationFailed(
                "This device was signed out: another device signed in.", code="device_signed_out"
            )
        return user
