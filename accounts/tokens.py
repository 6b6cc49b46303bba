"""Issuing JWT pairs for the API (the accounts issue adds device sessions to them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework_simplejwt.tokens import RefreshToken

if TYPE_CHECKING:
    from accounts.models import User


def token_pair_for(user: User) -> dict[str, str]:
    """A fresh access/refresh pair for `user`."""
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}
