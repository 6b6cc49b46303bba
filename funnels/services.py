"""Writes to funnels and spendings. Callers pass objects they looked up with `visible_to`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import CharField, Max, QuerySet, Value
from django.utils import timezone

from budget.metrics import spending_created_counted
from funnels.fields import to_money
from funnels.models import (
    Funnel,
    PlannedSpending,
    Rollover,
    Spending,
    SpendingTombstone,
)

if TYPE_CHECKING:
    from accounts.models import User

DEFAULT_FUNNELS = (("Food", "🍞", "#ffa500"), ("Misc", "🛍️", "#48d1cc"))


def ensure_visible(*, user: User, funnel: Funnel) -> None:
    """PermissionDenied unless the member sees the funnel (spendings' and plans' services)."""
    if not funnel.is_visible_to(user):
        # Callers look funnels up through visible_to; this guards against a wrong caller.
        raise PermissionDenied("This funnel is not yours to use.")


def entry_new[E: (Spending, PlannedSpending)](
    *,
    model: type[E],
    user: User,
    funnel: Funnel,
    amount: Decimal | str,
    note: str,
    entry_id: uuid.UUID | None,
    **fields: object,
) -> E:
    """A new spending or plan (not saved) by `user` from a funnel they see: the amount as
    money, the note trimmed, under the client's `entry_id` when there is one."""
    ensure_visible(user=user, funnel=funnel)
    entry = model(
        funnel=funnel, created_by=user, amount=to_money(amount), note=(note or "").strip(), **fields
    )
    if entry_id is not None:
        entry.id = entry_id
    return entry


def id_holder[M: models.Model](
    *, visible: QuerySet[M], pk: uuid.UUID, conflict: type[Exception]
) -> M:
    """Call it where a create under a client-chosen id failed with an IntegrityError: the row
    holding that id when the member sees it (`visible`), else `conflict` (someone else's row:
    it says only that the id is taken). No row at all: the error was another one, re-raised."""
    existing = visible.filter(pk=pk).first()
    if existing is None:
        if not visible.model.objects.filter(pk=pk).exists():
            raise  # the caller's IntegrityError: it was about something else
        raise conflict("This id is already taken; use a new id.") from None
    return existing


def entry_changes(
    *, user: User, funnel: Funnel, changes: dict[str, object], allowed: set[str], service: str
) -> dict[str, object]:
    """The changes to a spending or plan of `funnel`, checked: only `allowed` fields (else a
    TypeError naming `service`), both funnels the member's, the amount as money, the note
    trimmed."""
    ensure_visible(user=user, funnel=funnel)
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"{service} got unknown fields {sorted(unknown)}")
    if "funnel" in changes:
        ensure_visible(user=user, funnel=changes["funnel"])  # type: ignore[arg-type]
    if "amount" in changes:
        changes["amount"] = to_money(changes["amount"])  # type: ignore[arg-type]
    if "note" in changes:
        changes["note"] = (changes["note"] or "").strip()  # type: ignore[attr-defined]
    return changes


def _next_position(user: User) -> int:
    top = Funnel.objects.filter(household_id=user.household_id).aggregate(m=Max("position"))["m"]
    return 0 if top is None else top + 1


@transaction.atomic
def funnel_create_defaults(*, user: User) -> list[Funnel]:
    """Give a new member the default personal funnels of docs/rules.md §2.5."""
    return [
        funnel_create(
            user=user,
            name=name,
            emoji=emoji,
            color=color,
            monthly_limit=settings.DEFAULT_FUNNEL_LIMIT,
            shared=False,
        )
        for name, emoji, color in DEFAULT_FUNNELS
    ]


def funnel_create(
    *,
    user: User,
    name: str,
    emoji: str,
    color: str,
    monthly_limit: Decimal | str,
    shared: bool,
    position: int | None = None,
    rollover: str = Rollover.NONE,
    rollover_cap: Decimal | str | None = None,
) -> Funnel:
    """Create a funnel: personal to `user`, or shared by the whole household; last in the
    display order unless `position` is given."""
    if user.household_id is None:
        raise ValidationError("Join a household before creating funnels.")
    funnel = Funnel(
        household_id=user.household_id,
        owner=None if shared else user,
        name=name,
        emoji=emoji,
        color=color,
        monthly_limit=monthly_limit,
        position=_next_position(user) if position is None else position,
        rollover=rollover,
        rollover_cap=rollover_cap,
    )
    funnel.full_clean()
    funnel.save()
    return funnel


_FUNNEL_FIELDS = {
    "name",
    "emoji",
    "color",
    "monthly_limit",
    "position",
    "rollover",
    "rollover_cap",
}


def funnel_update(
    *, user: User, funnel: Funnel, shared: bool | None = None, **changes: object
) -> Funnel:
    """Change a funnel's name, emoji, colour, limit, position or whether it is shared."""
    ensure_visible(user=user, funnel=funnel)
    unknown = set(changes) - _FUNNEL_FIELDS
    if unknown:
        raise TypeError(f"funnel_update got unknown fields {sorted(unknown)}")
    for field, value in changes.items():
        setattr(funnel, field, value)
    if shared is not None:
        if not shared and funnel.is_shared and _others_spent_from(funnel, user):
            # Making it personal would hide the other members' spendings from them.
            raise ValidationError(
                {"shared": "Others have spent from this funnel, so it stays shared."}
            )
        funnel.owner = None if shared else (funnel.owner if not funnel.is_shared else user)
    funnel.full_clean()
    funnel.save()
    return funnel


def _others_spent_from(funnel: Funnel, user: User) -> bool:
    return funnel.spendings.exclude(created_by=user).exists()


@transaction.atomic
def funnel_delete(*, user: User, funnel: Funnel, move_to: Funnel | None = None) -> int:
    """Delete a funnel with its spendings, or first move them to `move_to`.

    Returns how many spendings were deleted (0 when they were moved).
    """
    ensure_visible(user=user, funnel=funnel)
    if move_to is not None:
        ensure_visible(user=user, funnel=move_to)
        if move_to.pk == funnel.pk:
            raise ValidationError({"move_to": "Pick another funnel to move the spendings to."})
        if funnel.is_shared and not move_to.is_shared:
            _tombstones_write(spendings=funnel.spendings.all())  # gone from the others' view
        funnel.spendings.update(funnel=move_to, updated_at=timezone.now())
        funnel.delete()
        return 0
    return funnels_delete(funnels=Funnel.objects.filter(pk=funnel.pk))


@transaction.atomic
def funnels_delete(*, funnels: QuerySet[Funnel]) -> int:
    """Delete funnels with their spendings, leaving tombstones (also used by the admin).

    Returns how many spendings went with them.
    """
    deleted = spendings_delete(spendings=Spending.objects.filter(funnel__in=funnels))
    funnels.delete()
    return deleted


@transaction.atomic
def funnel_reorder(*, user: User, funnel_ids: Sequence[uuid.UUID | str]) -> None:
    """Put the member's visible funnels in the given order (ids not listed keep theirs after)."""
    funnels = {str(f.pk): f for f in Funnel.objects.visible_to(user)}
    wanted = [str(i) for i in funnel_ids]
    if any(i not in funnels for i in wanted) or len(set(wanted)) != len(wanted):
        raise ValidationError("The order names a funnel that is not yours or names one twice.")
    rest = [key for key in sorted(funnels, key=lambda k: funnels[k].position) if key not in wanted]
    for position, key in enumerate(wanted + rest):
        funnels[key].position = position
    Funnel.objects.bulk_update(funnels.values(), ["position"])


def spending_create(
    *,
    user: User,
    funnel: Funnel,
    amount: Decimal | str,
    spent_at: datetime | None = None,
    note: str = "",
    spending_id: uuid.UUID | None = None,
) -> Spending:
    """Record money spent from a funnel the member can see."""
    spending = entry_new(
        model=Spending, user=user, funnel=funnel, amount=amount, note=note, entry_id=spending_id,
        spent_at=spent_at or timezone.now(),
    )  # fmt: skip
    spending = _spending_insert(spending, reused_id=spending_id is not None)
    spending_created_counted()
    return spending


def _spending_clean(spending: Spending) -> None:
    # The funnel and author are loaded objects (no need to query that they exist), and
    # Spending.clean() checks what the CHECK constraint checks: saving a spending is the
    # hottest write, so it runs no validation queries.
    spending.full_clean(
        exclude=["funnel", "created_by"], validate_unique=False, validate_constraints=False
    )


def _insert_or_fail_alone(spending: Spending) -> None:
    """Insert (IntegrityError on a taken id) without spoiling a surrounding transaction.

    Outside one (a request) the INSERT is its own transaction; inside one, a savepoint keeps a
    failed INSERT from aborting it (PostgreSQL would refuse every later statement)."""
    _spending_clean(spending)
    if not transaction.get_connection().in_atomic_block:
        spending.save(force_insert=True)
        return
    with transaction.atomic():
        spending.save(force_insert=True)


SPENDING, TOMBSTONE = "spending", "tombstone"


def _id_taken(spending_id: uuid.UUID) -> set[str]:
    """Whether the id is a spending's, a deleted spending's, both or neither: one query."""
    kind = {"output_field": CharField()}
    spendings = Spending.objects.filter(pk=spending_id).values_list(Value(SPENDING, **kind))
    tombstones = SpendingTombstone.objects.filter(pk=spending_id).values_list(
        Value(TOMBSTONE, **kind)
    )
    # order_by(): no model ordering (spent_at is not among the union's columns).
    rows = spendings.order_by().union(tombstones, all=True).order_by()
    return {name for (name,) in rows}


def _spending_insert(spending: Spending, *, reused_id: bool) -> Spending:
    _spending_clean(spending)
    if not reused_id:
        spending.save(force_insert=True)
        return spending
    with transaction.atomic():
        spending.save(force_insert=True)
        # A spending brought back under its old id (undo) is no longer deleted.
        SpendingTombstone.objects.filter(pk=spending.pk).delete()
    return spending


def spending_restore(
    *,
    user: User,
    spending_id: uuid.UUID,
    funnel_id: uuid.UUID | str,
    amount: Decimal | str,
    spent_at: datetime,
    note: str,
    created_by_id: int | None,
) -> Spending:
    """Undo a deletion: the spending comes back with its id, funnel, amount, time, note and
    author (the author only while still in the household: else it shows as a former member).
    """
    existing = Spending.objects.visible_to(user).filter(pk=spending_id).first()
    if existing is not None:
        return existing  # undone twice: nothing more to do
    funnel = Funnel.objects.visible_to(user).filter(pk=funnel_id).first()
    if funnel is None:
        raise ValidationError("Its funnel is gone, so the spending cannot come back.")
    author = (
        get_user_model().objects.filter(pk=created_by_id, household_id=user.household_id).first()
        if created_by_id is not None
        else None
    )
    spending = Spending(
        id=spending_id, funnel=funnel, created_by=author, amount=to_money(amount),
        spent_at=spent_at, note=note,
    )  # fmt: skip
    return _spending_insert(spending, reused_id=True)


_SPENDING_FIELDS = {"amount", "spent_at", "note", "funnel"}


def spending_update(*, user: User, spending: Spending, **changes: object) -> Spending:
    """Change the amount, funnel, time or note of a spending the member can see."""
    changes = entry_changes(
        user=user, funnel=spending.funnel, changes=changes, allowed=_SPENDING_FIELDS,
        service="spending_update",
    )  # fmt: skip
    old_funnel = spending.funnel
    for field, value in changes.items():
        setattr(spending, field, value)
    spending.full_clean(validate_unique=False)
    if not (old_funnel.is_shared and not spending.funnel.is_shared):
        spending.save()
        return spending
    with transaction.atomic():
        # Moved into a personal funnel: to the other members' phones it is as if deleted.
        # (Written before the save, while the row still names the shared funnel.)
        _tombstones_write(spendings=Spending.objects.filter(pk=spending.pk))
        spending.save()
    return spending


@transaction.atomic
def spending_delete(*, user: User, spending: Spending) -> None:
    """Delete a spending the member can see, leaving a tombstone for syncing clients."""
    ensure_visible(user=user, funnel=spending.funnel)
    spendings_delete(spendings=Spending.objects.filter(pk=spending.pk))


@transaction.atomic
def spendings_delete(*, spendings: QuerySet[Spending]) -> int:
    """Delete spendings and leave a tombstone for each, so syncing clients learn of it.

    The one path for every deletion (members, funnel deletion, the admin); returns the count.
    """
    _tombstones_write(spendings=spendings)
    return spendings.delete()[1].get(Spending._meta.label, 0)


def _tombstones_write(*, spendings: QuerySet[Spending]) -> None:
    SpendingTombstone.objects.record(
        spendings,
        id="id",
        funnel_id="funnel_id",
        household_id="funnel__household_id",
        owner_id="funnel__owner_id",
    )


def tombstones_flush() -> int:
    """Forget deletions older than TOMBSTONE_RETENTION (`manage.py flush_expired`)."""
    return SpendingTombstone.objects.flush_expired()


def spendings_author_left(*, user: User) -> int:
    """Show `user`'s spendings as by a former member (before the account goes), bumping
    updated_at so that syncing clients learn of it too."""
    return Spending.objects.filter(created_by=user).update(
        created_by=None, updated_at=timezone.now()
    )


class SpendingIdConflict(Exception):
    """A client-supplied spending id is taken by another spending or by a deleted one."""


def spending_create_idempotent(
    *,
    user: User,
    spending_id: uuid.UUID,
    funnel: Funnel,
    amount: Decimal | str,
    spent_at: datetime | None = None,
    note: str = "",
) -> tuple[Spending, bool]:
    """Record a spending under a client-chosen id, safe to retry.

    Returns (spending, created). A repeat of the same request returns the existing spending
    with created=False; anything else under a taken id raises SpendingIdConflict. The
    primary key decides races: of concurrent repeats exactly one insert wins.

    A new id (every dashboard tap carries one) costs one read and the insert: no tombstone to
    clear (the read saw none), and no savepoint outside a transaction (a request's INSERT is
    its own; a failed one leaves nothing to roll back).
    """
    taken, failed = _id_taken(spending_id), None
    if SPENDING not in taken:
        if TOMBSTONE in taken:
            raise SpendingIdConflict("A spending with this id was deleted; use a new id.")
        spending = entry_new(
            model=Spending, user=user, funnel=funnel, amount=amount, note=note,
            entry_id=spending_id, spent_at=spent_at or timezone.now(),
        )  # fmt: skip
        try:
            _insert_or_fail_alone(spending)
        except IntegrityError as error:
            failed = error  # most likely a concurrent repeat got there first: see below
        else:
            spending_created_counted()
            return spending, True
    existing = (
        Spending.objects.visible_to(user)
        .select_related("funnel", "created_by")
        .filter(pk=spending_id)
        .first()
    )
    if existing is None:
        if failed is not None and not Spending.objects.filter(pk=spending_id).exists():
            raise failed  # not the id: another constraint
        # Someone else's spending: say only that the id is taken, nothing about it.
        raise SpendingIdConflict("This id is already taken; use a new id.")
    same = (
        existing.funnel_id == funnel.pk
        and existing.amount == to_money(amount)
        and existing.note == (note or "").strip()
        and (spent_at is None or existing.spent_at == spent_at)
    )
    if not same:
        raise SpendingIdConflict(
            "A spending with this id already exists with other values; use a new id."
        )
    return existing, False
