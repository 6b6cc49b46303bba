"""Writes to households and users (registration and sign-in come with the accounts issue)."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Household, Role, User
from funnels.services import funnel_create_defaults


@transaction.atomic
def household_create(*, owner: User, name: str = "") -> Household:
    """Found a household with `owner` as its owner and give them the default funnels."""
    household = Household(name=name or f"{owner.name}'s household")
    household.full_clean()
    household.save()
    owner.household = household
    owner.role = Role.OWNER
    owner.save(update_fields=["household", "role"])
    funnel_create_defaults(user=owner)
    return household


@transaction.atomic
def household_join(*, user: User, household: Household) -> None:
    """Add `user` to an existing household as a member, with the default funnels."""
    user.household = household
    user.role = Role.MEMBER
    user.save(update_fields=["household", "role"])
    funnel_create_defaults(user=user)
