"""API authentication: Bearer JWT access tokens only (never the session), per device session."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db.models import Exists, OuterRef
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from accounts.models import DeviceSession, User
from accounts.tokens import SESSION_CLAIM


class DeviceJWTAuthentication(JWTAuthentication):
    """JWT access-token authentication that also rejects tokens of a signed-out device.

    It stays the first authentication class so that a missing or bad token answers 401 with
    `WWW-Authenticate: Bearer`, never 403. The user and the liveness of the token's device
    session come from one query: with SINGLE_ACTIVE_DEVICE the session id is compared with the
    user's `current_device_session_id` column; otherwise an EXISTS subquery checks the session
    was not ended.
    """

    def get_user(self, validated_token: Token) -> User:
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
            session_id = uuid.UUID(str(validated_token[SESSION_CLAIM]))
        except (KeyError, TypeError, ValueError):
            raise InvalidToken("Token contained no recognizable user or device session.") from None
        users = User.objects.filter(pk=user_id, is_active=True)
        if not settings.SINGLE_ACTIVE_DEVICE:
            users = users.annotate(
                session_live=Exists(
                    DeviceSession.objects.filter(
                        pk=session_id, user=OuterRef("pk"), ended_at__isnull=True
                    )
                )
            )
        user = users.first()
        if user is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        live = (
            user.session_live
            if not settings.SINGLE_ACTIVE_DEVICE
            else user.current_device_session_id == session_id
        )
        if not live:
            raise AuthenticationFailed(
                "This device was signed out: another device signed in.", code="device_signed_out"
            )
        return user
