"""Reads of the households app: members and invites of a household."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Household, Invite, User


def household_members(*, household: Household | int) -> QuerySet[User]:
    """The members of `household` (or of its id), longest-standing first."""
    return User.objects.filter(household=household).order_by("date_joined", "pk")


def invites_open_for(*, user: User) -> QuerySet[Invite]:
    """Invites of the user's household that can still be used, newest first."""
    return Invite.objects.usable().filter(household_id=user.household_id).order_by("-created_at")


def invites_of(*, user: User) -> QuerySet[Invite]:
    """Every invite of the user's household (to look one up by code for revoking)."""
    return Invite.objects.filter(household_id=user.household_id)


def invite_usable(*, code: str) -> Invite | None:
    """The open invite behind an invite link, with its household and who made it."""
    return (
        Invite.objects.usable().select_related("household", "created_by").filter(code=code).first()
    )
