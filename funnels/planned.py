"""Planned and recurring spendings (docs/rules.md §12.2): writes, and the reads the figures need.

A plan's occurrences are computed, never stored ahead (allowance.occurrence_dates); an
occurrence gets a PlannedOccurrence row once it is done with: recorded as a spending (the daily
job on its date, or a member tapping "paid" earlier) or skipped. That row's unique (plan, date)
decides every race, so an occurrence becomes a spending exactly once.

Occurrences count from the day the plan was made (in the household time zone): a plan entered
today for "the 1st, monthly" neither reserves nor records the 1st that has already gone by,
which the member has most likely paid and recorded by hand already.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import FilteredRelation, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Household
from budget.metrics import spending_created_counted
from funnels import allowance
from funnels.fields import to_money
from funnels.models import (
    Funnel,
    OccurrenceStatus,
    PlannedOccurrence,
    PlannedSpending,
    Repeat,
    Spending,
)
from funnels.services import ensure_visible, entry_changes, entry_new, id_holder

if TYPE_CHECKING:
    from accounts.models import User

# How far ahead the dashboard lists upcoming occurrences.
UPCOMING_DAYS = 31
UPCOMING_LIMIT = 10


class PlannedIdConflict(Exception):
    """A client-supplied plan id is taken by another plan."""


class OccurrenceConflict(Exception):
    """An occurrence was already done with the other way (paid vs skipped)."""


def first_day(plan: PlannedSpending, tz: object) -> date:
    """The first day an occurrence of `plan` counts: the later of its date and its creation."""
    created_at = plan.created_at or timezone.now()
    return max(plan.date, created_at.astimezone(tz).date())  # type: ignore[arg-type]


def plan_dates(plan: PlannedSpending, *, tz: object, start: date, end: date) -> list[date]:
    """The days in [start, end) an occurrence of `plan` falls due (from its first day)."""
    return allowance.occurrence_dates(
        first=plan.date, repeat=plan.repeat, start=max(start, first_day(plan, tz)), end=end
    )


# --- writes ----------------------------------------------------------------------------------


def planned_create(
    *,
    user: User,
    funnel: Funnel,
    amount: Decimal | str,
    date: date,
    note: str = "",
    repeat: str = Repeat.NONE,
    plan_id: uuid.UUID | None = None,
) -> PlannedSpending:
    """Plan a spending from a funnel the member can see, once or repeating."""
    plan = entry_new(
        model=PlannedSpending, user=user, funnel=funnel, amount=amount, note=note, entry_id=plan_id,
        date=date, repeat=repeat,
    )  # fmt: skip
    plan.full_clean(validate_unique=False)
    plan.save(force_insert=True)
    return plan


def planned_create_idempotent(
    *,
    user: User,
    plan_id: uuid.UUID,
    funnel: Funnel,
    amount: Decimal | str,
    date: date,
    note: str = "",
    repeat: str = Repeat.NONE,
) -> tuple[PlannedSpending, bool]:
    """Plan a spending under a client-chosen id, safe to retry: (plan, created).

    The same request again returns the existing plan (created=False); anything else under a
    taken id raises PlannedIdConflict. The primary key decides races.
    """
    try:
        with transaction.atomic():
            plan = planned_create(
                user=user, funnel=funnel, amount=amount, date=date, note=note, repeat=repeat,
                plan_id=plan_id,
            )  # fmt: skip
        return plan, True
    except IntegrityError:
        existing = id_holder(
            visible=PlannedSpending.objects.visible_to(user), pk=plan_id, conflict=PlannedIdConflict
        )
    same = (
        existing.funnel_id == funnel.pk
        and existing.amount == to_money(amount)
        and existing.date == date
        and existing.note == (note or "").strip()
        and existing.repeat == repeat
    )
    if not same:
        raise PlannedIdConflict(
            "A plan with this id already exists with other values; use a new id."
        )
    return existing, False


_PLAN_FIELDS = {"funnel", "amount", "date", "note", "repeat"}


def planned_update(*, user: User, plan: PlannedSpending, **changes: object) -> PlannedSpending:
    """Change a plan's funnel, amount, date, note or repeat; occurrences already recorded or
    skipped stay as they are."""
    changes = entry_changes(
        user=user, funnel=plan.funnel, changes=changes, allowed=_PLAN_FIELDS,
        service="planned_update",
    )  # fmt: skip
    for field, value in changes.items():
        setattr(plan, field, value)
    plan.full_clean(validate_unique=False)
    plan.save()
    return plan


def planned_save_staff(*, plan: PlannedSpending) -> PlannedSpending:
    """Save a plan as staff changed it in the admin (amount, date, note, repeat; the funnel and
    author stay, so nobody gains or loses sight of it)."""
    if plan._state.adding:
        raise ValidationError("Plans are made in the app, by a member who sees the funnel.")
    plan.note = (plan.note or "").strip()
    plan.full_clean(validate_unique=False)
    plan.save()
    return plan


def planned_delete(*, user: User, plan: PlannedSpending) -> None:
    """Delete a plan; the spendings its occurrences became stay (they were really spent)."""
    ensure_visible(user=user, funnel=plan.funnel)
    plans_delete(plans=PlannedSpending.objects.filter(pk=plan.pk))


def plans_delete(*, plans: QuerySet[PlannedSpending]) -> int:
    """Delete plans with their occurrence rows (also used by the admin); returns the count."""
    return plans.delete()[1].get(PlannedSpending._meta.label, 0)


def _check_due_on(plan: PlannedSpending, on: date) -> None:
    tz = plan.funnel.household.tzinfo
    if plan_dates(plan, tz=tz, start=on, end=on + timedelta(days=1)) != [on]:
        raise ValidationError({"date": f"The plan does not fall due on {on.isoformat()}."})


def _occurrence_done(
    *,
    plan: PlannedSpending,
    on: date,
    status: str,
    spent_by: User | None,
    spent_at: datetime | None,
) -> tuple[PlannedOccurrence, bool]:
    """Mark one occurrence paid (with its spending) or skipped, exactly once: the occurrence
    row goes in first, so of two concurrent callers the second waits, then finds it taken."""
    try:
        with transaction.atomic():
            occurrence = PlannedOccurrence.objects.create(plan=plan, date=on, status=status)
            if status == OccurrenceStatus.PAID:
                spending = Spending(
                    funnel=plan.funnel,
                    created_by=spent_by,
                    amount=plan.amount,
                    spent_at=spent_at or timezone.now(),
                    note=plan.note,
                )
                spending.full_clean(
                    exclude=["funnel", "created_by"], validate_unique=False,
                    validate_constraints=False,
                )  # fmt: skip
                spending.save(force_insert=True)
                occurrence.spending = spending
                occurrence.save(update_fields=["spending"])
    except IntegrityError:
        existing = PlannedOccurrence.objects.filter(plan=plan, date=on).first()
        if existing is None:
            raise
        if existing.status != status:
            done = (
                "recorded as a spending" if existing.status == OccurrenceStatus.PAID else "skipped"
            )
            raise OccurrenceConflict(
                f"The occurrence on {on.isoformat()} was {done} already."
            ) from None
        return existing, False
    if status == OccurrenceStatus.PAID:
        spending_created_counted()
    return occurrence, True


def planned_paid(*, user: User, plan: PlannedSpending, on: date) -> tuple[PlannedOccurrence, bool]:
    """Record the occurrence due on `on` as a spending made now, by `user`: (occurrence,
    created). Tapped twice, the second does nothing; a skipped one raises OccurrenceConflict."""
    ensure_visible(user=user, funnel=plan.funnel)
    _check_due_on(plan, on)
    return _occurrence_done(
        plan=plan, on=on, status=OccurrenceStatus.PAID, spent_by=user, spent_at=None
    )


def planned_skip(*, user: User, plan: PlannedSpending, on: date) -> tuple[PlannedOccurrence, bool]:
    """Drop the occurrence due on `on` (no spending): (occurrence, created). One already
    recorded as a spending raises OccurrenceConflict (delete the spending instead)."""
    ensure_visible(user=user, funnel=plan.funnel)
    _check_due_on(plan, on)
    return _occurrence_done(
        plan=plan, on=on, status=OccurrenceStatus.SKIPPED, spent_by=None, spent_at=None
    )


def planned_unskip(*, user: User, plan: PlannedSpending, on: date) -> bool:
    """Take back a skip: the occurrence on `on` is set aside (and recorded on its day) again.
    Returns whether there was a skip to take back (a paid occurrence stays paid)."""
    ensure_visible(user=user, funnel=plan.funnel)
    deleted, _ = PlannedOccurrence.objects.filter(
        plan=plan, date=on, status=OccurrenceStatus.SKIPPED
    ).delete()
    return bool(deleted)


def planned_record_due(*, household: Household, up_to: date) -> int:
    """Record every occurrence of the household's plans due on or before `up_to` that is not
    done yet, as a spending at the start of its day by whoever planned it; returns how many
    this call recorded (a late run catches up, a second run finds nothing to do)."""
    tz = household.tzinfo
    plans = list(
        PlannedSpending.objects.filter(funnel__household=household, date__lte=up_to)
        .select_related("funnel__household", "created_by")
        .order_by("date", "created_at")
    )
    done = set(PlannedOccurrence.objects.filter(plan__in=plans).values_list("plan_id", "date"))
    recorded = 0
    for plan in plans:
        if plan.created_by is not None and not plan.funnel.is_visible_to(plan.created_by):
            plan.created_by = None  # the funnel became someone else's: no author, still paid
        for on in plan_dates(plan, tz=tz, start=plan.date, end=up_to + timedelta(days=1)):
            if (plan.pk, on) in done:
                continue
            try:
                _, created = _occurrence_done(
                    plan=plan, on=on, status=OccurrenceStatus.PAID, spent_by=plan.created_by,
                    spent_at=allowance.local_midnight(on, tz),
                )  # fmt: skip
            except OccurrenceConflict:
                continue  # skipped by a member since `done` was read: nothing to record
            recorded += created
    return recorded


def planned_record_daily(*, day: date) -> int:
    """The daily job: record the occurrences due by `day` in each household."""
    recorded = 0
    # Only households with plans: the others have nothing to record (and there may be many).
    households = Household.objects.filter(
        pk__in=PlannedSpending.objects.values("funnel__household_id")
    )
    for household in households:
        # The server's date may be ahead of the household's: nothing due tomorrow is paid today.
        local_today = timezone.now().astimezone(household.tzinfo).date()
        recorded += planned_record_due(household=household, up_to=min(day, local_today))
    return recorded


# --- reads -----------------------------------------------------------------------------------


def plans_visible_to(*, user: User) -> QuerySet[PlannedSpending]:
    """The plans a member sees, soonest first, with their funnels."""
    return (
        PlannedSpending.objects.visible_to(user)
        .select_related("funnel", "created_by")
        .order_by("date", "created_at")
    )


def plan_visible_to(*, user: User, pk: uuid.UUID | str) -> PlannedSpending:
    """One plan the member sees; Http404 for any other (or none)."""
    return get_object_or_404(plans_visible_to(user=user), pk=pk)


_PLAN_COLUMNS = (
    "id", "funnel_id", "created_by_id", "amount", "date", "note", "repeat", "created_at",
    "updated_at",
)  # fmt: skip


@dataclass(frozen=True)
class PlannedSums:
    """A funnel's plans in a period (docs/rules.md §12.2): A, R and S_A."""

    total: Decimal = allowance.ZERO  # A = R + S_A
    reserved: Decimal = allowance.ZERO  # R
    spent: Decimal = allowance.ZERO  # S_A
    spent_today: Decimal = allowance.ZERO  # the part of S_A spent today


@dataclass(frozen=True)
class Upcoming:
    """An occurrence not done yet: the dashboard's "Rent 900.00 on the 1st"; or one skipped
    from today on (`skipped`), so that the skip can be taken back."""

    plan: PlannedSpending
    date: date
    skipped: bool = False


@dataclass(frozen=True)
class PlannedView:
    sums: dict[uuid.UUID, PlannedSums]
    upcoming: list[Upcoming]


def planned_in(
    *, household: Household, funnels: list[Funnel], period: allowance.Period
) -> PlannedView:
    """The plans of `funnels` in `period` and the occurrences coming up from the period's start,
    in one query whatever the number of plans and occurrences: the plans, each joined with its
    occurrences done in the window and the amount and time of their spendings.

    A recorded occurrence counts in A with what was really spent (its spending, which may have
    been edited), and only while that spending lies in the period: one paid early, in an earlier
    period, was an ordinary spending of that period.
    """
    tz = household.tzinfo
    by_id = {funnel.pk: funnel for funnel in funnels}
    window_end = max(period.end, period.today + timedelta(days=UPCOMING_DAYS + 1))
    # A one-off plan dated before the period can have no occurrence in it.
    current = Q(date__gte=period.start) | ~Q(repeat=Repeat.NONE)
    done_in_window = FilteredRelation(
        "occurrences",
        condition=Q(occurrences__date__gte=period.start, occurrences__date__lt=window_end),
    )
    rows = (
        PlannedSpending.objects.filter(current, funnel_id__in=by_id, date__lt=window_end)
        .annotate(done=done_in_window)
        .order_by("date", "created_at")
        .values_list(
            *_PLAN_COLUMNS,
            "done__date",
            "done__status",
            "done__spending__spent_at",
            "done__spending__amount",
        )
    )
    plans: dict[uuid.UUID, PlannedSpending] = {}
    done: dict[tuple[uuid.UUID, date], tuple[str, datetime | None, Decimal | None]] = {}
    for row in rows:
        plan_fields = dict(zip(_PLAN_COLUMNS, row[: len(_PLAN_COLUMNS)], strict=True))
        plan = plans.setdefault(plan_fields["id"], PlannedSpending(**plan_fields))
        on, status, spent_at, amount = row[len(_PLAN_COLUMNS) :]
        if on is not None:
            done[(plan.pk, on)] = (status, spent_at, amount)
    starts_at, ends_at = period.bounds(tz)
    today_starts_at, today_ends_at = period.today_bounds(tz)
    reserved: dict[uuid.UUID, Decimal] = defaultdict(lambda: allowance.ZERO)
    spent: dict[uuid.UUID, Decimal] = defaultdict(lambda: allowance.ZERO)
    spent_today: dict[uuid.UUID, Decimal] = defaultdict(lambda: allowance.ZERO)
    upcoming = []
    for plan in plans.values():
        plan.funnel = by_id[plan.funnel_id]
        for on in plan_dates(plan, tz=tz, start=period.start, end=window_end):
            if (plan.pk, on) not in done:
                if on < period.end:
                    reserved[plan.funnel_id] += plan.amount
                if on <= period.today + timedelta(days=UPCOMING_DAYS):
                    upcoming.append(Upcoming(plan=plan, date=on))
                continue
            status, spent_at, amount = done[(plan.pk, on)]
            if status == OccurrenceStatus.SKIPPED:
                if period.today <= on <= period.today + timedelta(days=UPCOMING_DAYS):
                    upcoming.append(Upcoming(plan=plan, date=on, skipped=True))
                continue
            if on < period.end and spent_at is not None and starts_at <= spent_at < ends_at:
                spent[plan.funnel_id] += Decimal(amount)
                if today_starts_at <= spent_at < today_ends_at:
                    spent_today[plan.funnel_id] += Decimal(amount)
    upcoming.sort(key=lambda item: (item.date, item.plan.created_at))
    sums = {
        funnel_id: PlannedSums(
            total=reserved[funnel_id] + spent[funnel_id],
            reserved=reserved[funnel_id],
            spent=spent[funnel_id],
            spent_today=spent_today[funnel_id],
        )
        for funnel_id in by_id
    }
    return PlannedView(sums=sums, upcoming=upcoming[:UPCOMING_LIMIT])
