"""Reads of the accounts app. Device sessions are read in accounts.devices."""

from __future__ import annotations

from accounts.models import RecoveryCode, User


def recovery_codes_left(*, user: User) -> int:
    """How many unused recovery codes the user has."""
    return RecoveryCode.objects.filter(device__user=user).count()
