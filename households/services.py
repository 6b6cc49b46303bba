"""Writes of the households app: founding and joining (registration), settings, invites,
members, the profile, account deletion and the ownership hand-over (docs/rules.md §3.1, §3.5,
§3.6), and the daily clean-up.

These compose the accounts services (sign-in state) with the funnels services (default funnels,
spendings of a member who leaves, deletion records), which is why they live above both.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.devices import device_sessions_end_all
from accounts.models import Household, Invite, Role, User
from accounts.services import (
    SignIn,
    SignInClient,
    code_confirm,
    counted_attempt,
    owner_ensure,
    recovery_codes_reset,
    registration_claim,
    sign_in_state_flush,
)
from funnels.income import income_tombstones_flush, incomes_author_left
from funnels.rollover import period_closes_reset
from funnels.selectors import funnels_visible_to
from funnels.services import (
    funnel_create_defaults,
    funnel_update,
    spendings_author_left,
    tombstones_flush,
)
from households.selectors import household_members

INVITE_TTL = timedelta(days=7)


# --- Registration: founding or joining (docs/rules.md §3.1) ----------------------------------


def registration_confirm(*, username: str, code: str, client: SignInClient) -> SignIn:
    """Confirm a pending registration with the first code: household, funnels, sign-in.

    Throttled like sign-in (guessing the first code would take the registration over). Joins
    the invited household when the registration came with an invite (claimed here, so a used
    or revoked invite fails now), otherwise founds a new one. Returns the 10 new recovery
    codes, which exist in plain text only in this return value.
    """
    with counted_attempt(username=username, address=client.address):
        return _registration_confirm(username=username, code=code, client=client)


@transaction.atomic
def _registration_confirm(*, username: str, code: str, client: SignInClient) -> SignIn:
    user, device, invite = registration_claim(username=username, code=code)
    if invite is not None:
        household_join(user=user, household=invite.household)
    else:
        household_create(owner=user)
    codes = recovery_codes_reset(user=user)
    session = client.session_start(user)
    return SignIn(user=user, device=device, session=session, recovery_codes=tuple(codes))


# --- Households -------------------------------------------------------------------------------


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


@transaction.atomic
def household_update(*, user: User, **changes: object) -> Household:
    """Change the household's name, currency, time zone, period start day or allowance mode."""
    owner_ensure(user=user)
    unknown = set(changes).difference(Household.SETTINGS)
    if unknown:
        raise TypeError(f"household_update got unknown fields {sorted(unknown)}")
    household = Household.objects.select_for_update().get(pk=user.household_id)
    calendar = (household.period_start_day, household.timezone)
    for field, value in changes.items():
        if field == "currency" and isinstance(value, str):
            value = value.strip().upper()
        if field == "name" and isinstance(value, str):
            value = value.strip()
        setattr(household, field, value)
    household.full_clean()
    household.save()
    if (household.period_start_day, household.timezone) != calendar:
        period_closes_reset(household=household)
    return household


def household_first_run(
    *,
    user: User,
    currency: str,
    timezone_name: str,
    period_start_day: int,
    limits: dict[str, Decimal],
) -> Household:
    """The set-up screen after registration: household settings and the default funnels' limits.

    All or nothing: a bad limit leaves the settings as they were (docs/rules.md §4).
    """
    with transaction.atomic():
        household = household_update(
            user=user, currency=currency, timezone=timezone_name, period_start_day=period_start_day
        )
        for funnel in funnels_visible_to(user=user).filter(pk__in=list(limits)):
            funnel_update(user=user, funnel=funnel, monthly_limit=limits[str(funnel.pk)])
    return household


def user_update(*, user: User, display_name: str) -> User:
    """Change what the household sees as the user's name."""
    user.display_name = (display_name or "").strip()
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    user.save(update_fields=["display_name"])
    return user


# --- Invites and members (docs/rules.md §3.5) -----------------------------------------------


def invite_create(*, user: User) -> Invite:
    """A single-use invite to the owner's household, valid for 7 days."""
    owner_ensure(user=user)
    now = timezone.now()
    return Invite.objects.create(
        code=secrets.token_urlsafe(16),
        household_id=user.household_id,
        created_by=user,
        created_at=now,
        expires_at=now + INVITE_TTL,
    )


def invite_revoke(*, user: User, invite: Invite) -> None:
    """Revoke an invite of the owner's household (a used one stays as it was)."""
    owner_ensure(user=user)
    if invite.household_id != user.household_id:
        raise PermissionDenied("This invite is not of your household.")
    Invite.objects.filter(pk=invite.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def member_remove(*, user: User, member: User) -> None:
    """The owner removes a member: their account ends exactly as a deletion (docs/rules.md §3.5)."""
    owner_ensure(user=user)
    if member.household_id != user.household_id:
        raise PermissionDenied("This person is not in your household.")
    if member.pk == user.pk:
        raise ValidationError("To leave the household, delete your own account.")
    user_delete(user=member)


def account_delete(*, user: User, code: str) -> None:
    """Delete one's own account after typing a current code (docs/rules.md §3.6)."""
    code_confirm(user=user, code=code)
    user_delete(user=user)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """End an account and leave nothing orphaned.

    Personal funnels and their spendings go with the user; spendings in shared funnels stay
    with created_by = NULL ("a former member"). When the owner leaves and others remain, the
    longest-standing member becomes the owner; the last member takes the household with them.
    Devices, device sessions, recovery codes and tokens go too, which signs the user out
    everywhere at once.
    """
    device_sessions_end_all(user=user)
    if user.household_id is None:
        user.delete()
        return
    household = Household.objects.select_for_update().get(pk=user.household_id)
    others = household.members.exclude(pk=user.pk).order_by("date_joined", "pk")
    successor = others.first()
    if successor is None:
        household.delete()  # cascades to the user, funnels, spendings and invites
        return
    if user.is_owner:
        User.objects.filter(pk=successor.pk).update(role=Role.OWNER)
    spendings_author_left(user=user)
    incomes_author_left(user=user, household=household)
    user.delete()


def user_delete_by_staff(*, staff: User, user: User) -> None:
    """Delete an account from the admin, as the account-deletion service does.

    Refused (ValidationError) for one's own account, which is deleted from the account page
    with a current code, and for a superuser unless a superuser asks; PermissionDenied for staff
    who are not superusers and reach outside their household.
    """
    if user.pk == staff.pk:
        raise ValidationError(
            "You cannot delete your own account here: use the Account page, with a current code."
        )
    if user.is_superuser and not staff.is_superuser:
        raise ValidationError(f"Only a superuser can delete the superuser {user.username}.")
    if not staff.is_superuser and user.household_id != staff.household_id:
        raise PermissionDenied("This person is not in your household.")
    user_delete(user=user)


@transaction.atomic
def household_delete_by_staff(*, staff: User, household: Household) -> None:
    """Delete a household from the admin: each member's account ends as a deletion does.

    Refused for the staff member's own household (they would delete themselves).
    """
    if household.pk == staff.household_id:
        raise ValidationError("You cannot delete your own household here.")
    if not staff.is_superuser:
        raise PermissionDenied("Only a superuser can delete a household.")
    for member in household_members(household=household):
        device_sessions_end_all(user=member)
    household.delete()  # cascades to the members, funnels, spendings and invites


@transaction.atomic
def household_owner_change(*, member: User) -> None:
    """Hand the ownership of `member`'s household over to them (the owner becomes a member)."""
    if member.household_id is None:
        raise ValidationError(f"{member.username} is in no household.")
    household = Household.objects.select_for_update().get(pk=member.household_id)
    household.members.filter(role=Role.OWNER).exclude(pk=member.pk).update(role=Role.MEMBER)
    User.objects.filter(pk=member.pk).update(role=Role.OWNER)
    member.role = Role.OWNER


def expired_state_flush() -> dict[str, int]:
    """The daily clean-up (`manage.py flush_expired`): expired sign-in state and deletion
    records past their retention; returns counts by kind."""
    counts = sign_in_state_flush()
    counts["deleted-spending records"] = tombstones_flush()
    counts["deleted-income records"] = income_tombstones_flush()
    return counts
