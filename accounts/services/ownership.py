"""Who may change a household: its owner (docs/rules.md §3.5)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.models import User


def owner_ensure(*, user: User) -> None:
    """Raise PermissionDenied unless `user` owns a household."""
    if not user.is_owner or user.household_id is None:
        raise PermissionDenied("Only the owner of the household can do this.")
