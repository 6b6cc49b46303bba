"""API authentication: Bearer JWT access tokens only (never the session)."""

from __future__ import annotations

from rest_framework_simplejwt.authentication import JWTAuthentication


class DeviceJWTAuthentication(JWTAuthentication):
    """JWT access-token authentication; answers 401 (with WWW-Authenticate) when missing."""
