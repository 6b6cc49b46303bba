"""Writes to income (docs/rules.md §8.1): record, change, delete with a tombstone, retry safely;
and the look-up of one income a member sees.

Callers pass income they looked up with `income_visible_to`; each service checks again.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, QuerySet, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from funnels.fields import to_money
from funnels.models import Income, IncomeTombstone
from funnels.services import id_holder

if TYPE_CHECKING:
    from accounts.models import Household, User


class IncomeIdConflict(Exception):
    """A client-supplied income id is taken by other income or by deleted income."""


def _ensure_visible(user: User, income: Income) -> None:
    if not income.is_visible_to(user):
        raise PermissionDenied("This income is not yours to change.")


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


def income_create(
    *,
    user: User,
    amount: Decimal | str,
    source: str,
    received_at: datetime | None = None,
    note: str = "",
    shared: bool = True,
    income_id: uuid.UUID | None = None,
) -> Income:
    """Record money that came in, shared with the household or private to `user`."""
    if user.household_id is None:
        raise ValidationError("Join a household before recording income.")
    income = Income(
        household_id=user.household_id,
        received_by=user,
        amount=to_money(amount),
        received_at=received_at or timezone.now(),
        source=_clean_text(source),
        note=_clean_text(note),
        shared=shared,
    )
    if income_id is not None:
        income.id = income_id
    income.full_clean(exclude=["household", "received_by"], validate_unique=False)
    with transaction.atomic():
        income.save(force_insert=True)
        if income_id is not None:
            # Income brought back under its old id (undo) is no longer deleted.
            IncomeTombstone.objects.filter(pk=income.pk).delete()
    return income


def income_create_idempotent(
    *,
    user: User,
    income_id: uuid.UUID,
    amount: Decimal | str,
    source: str,
    received_at: datetime | None = None,
    note: str = "",
    shared: bool = True,
) -> tuple[Income, bool]:
    """Record income under a client-chosen id, safe to retry: (income, created).

    The same request again returns the existing income with created=False; anything else under
    a taken (or deleted) id raises IncomeIdConflict. The primary key decides races.
    """
    if (
        IncomeTombstone.objects.filter(pk=income_id).exists()
        and not Income.objects.filter(pk=income_id).exists()
    ):
        raise IncomeIdConflict("Income with this id was deleted; use a new id.")
    try:
        with transaction.atomic():
            income = income_create(
                user=user, amount=amount, source=source, received_at=received_at,
                note=note, shared=shared, income_id=income_id,
            )  # fmt: skip
        return income, True
    except IntegrityError:
        visible = Income.objects.visible_to(user).select_related("received_by")
        existing = id_holder(visible=visible, pk=income_id, conflict=IncomeIdConflict)
    same = (
        existing.amount == to_money(amount)
        and existing.source == _clean_text(source)
        and existing.note == _clean_text(note)
        and existing.shared == shared
        and (received_at is None or existing.received_at == received_at)
    )
    if not same:
        raise IncomeIdConflict("Other income already has this id; use a new id.")
    return existing, False


def income_save_staff(*, income: Income) -> Income:
    """Save income as staff entered or changed it in the admin, with the rules of income_create
    and income_update: the amount as money, source and note trimmed, the model's checks. Its
    household, author and sharing are chosen when it is added and stay after (read-only in the
    admin), so nobody gains or loses sight of it."""
    income.amount = to_money(income.amount)
    income.source = _clean_text(income.source)
    income.note = _clean_text(income.note)
    income.full_clean(validate_unique=False)
    income.save()
    return income


_INCOME_FIELDS = {"amount", "received_at", "source", "note", "shared"}


def income_update(*, user: User, income: Income, **changes: object) -> Income:
    """Change the amount, time, source, note or sharing of income the member can see.

    Only its author can make income private (it becomes theirs alone to see).
    """
    _ensure_visible(user, income)
    unknown = set(changes) - _INCOME_FIELDS
    if unknown:
        raise TypeError(f"income_update got unknown fields {sorted(unknown)}")
    if "amount" in changes:
        changes["amount"] = to_money(changes["amount"])
    for key in ("source", "note"):
        if key in changes:
            changes[key] = _clean_text(changes[key])  # type: ignore[arg-type]
    hiding = income.shared and changes.get("shared") is False
    if hiding and income.received_by_id != user.pk:
        raise ValidationError({"shared": "Only who recorded this income can make it private."})
    for field, value in changes.items():
        setattr(income, field, value)
    income.full_clean(exclude=["household", "received_by"], validate_unique=False)
    with transaction.atomic():
        if hiding:
            # To the other members' phones, income made private is as if deleted.
            _tombstones_write(incomes=Income.objects.filter(pk=income.pk))
        income.save()
    return income


@transaction.atomic
def income_delete(*, user: User, income: Income) -> None:
    """Delete income the member can see, leaving a tombstone for syncing clients."""
    _ensure_visible(user, income)
    incomes_delete(incomes=Income.objects.filter(pk=income.pk))


@transaction.atomic
def incomes_delete(*, incomes: QuerySet[Income]) -> int:
    """Delete income and leave a tombstone for each (members, the admin); returns the count."""
    _tombstones_write(incomes=incomes)
    return incomes.delete()[1].get(Income._meta.label, 0)


def _tombstones_write(*, incomes: QuerySet[Income]) -> None:
    IncomeTombstone.objects.record(
        incomes,
        id="id",
        household_id="household_id",
        # Private income is deleted only from its author's view.
        owner_id=Case(When(shared=False, then=F("received_by_id"))),
    )


def income_tombstones_flush() -> int:
    """Forget income deletions older than TOMBSTONE_RETENTION."""
    return IncomeTombstone.objects.flush_expired()


@transaction.atomic
def incomes_author_left(*, user: User, household: Household) -> int:
    """Before a member leaves `household`: their private income goes with them, their shared
    income stays as a former member's (updated_at bumped so syncing phones learn of it).

    Returns how much private income was deleted. To be called by the account deletion and
    member removal services, before the user row goes.
    """
    mine = Income.objects.filter(household=household, received_by=user)
    deleted = incomes_delete(incomes=mine.filter(shared=False))
    mine.filter(shared=True).update(received_by=None, updated_at=timezone.now())
    return deleted


def income_visible_to(*, user: User, pk: uuid.UUID | str) -> Income:
    """One income the member sees, with its author; Http404 for any other (or none)."""
    return get_object_or_404(Income.objects.visible_to(user).select_related("received_by"), pk=pk)
