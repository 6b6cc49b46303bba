"""Household backup and restore (docs/rules.md §9.2).

`household_backup` is the whole household as one versioned JSON-ready document (settings,
members without any secret, funnels with their rollover, spendings, income, planned spendings and
their done occurrences, with ids and timestamps). A file from before rollover and plans (no
`rollover` on its funnels, no `planned` section) restores as funnels without rollover and no plans.
`household_restore` checks a document completely before it writes anything, then writes it in one
transaction: what is already in this household is left alone (restoring twice changes nothing),
an id that belongs to another household is an error.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.dateparse import parse_datetime

from accounts.models import AllowanceMode, User
from funnels.fields import to_money
from funnels.models import (
    Funnel,
    Income,
    OccurrenceStatus,
    PlannedOccurrence,
    PlannedSpending,
    Repeat,
    Rollover,
    Spending,
    validate_color,
    validate_one_emoji,
)
from funnels.services import funnels_delete

FORMAT = "funnels-household"
VERSION = 1
BATCH = 2000


class BackupError(ValueError):
    """A document that cannot be restored; the message says why, for the member."""


@dataclass(frozen=True)
class RestoreCounts:
    funnels: int
    spendings: int
    incomes: int
    planned: int = 0  # plans and their done occurrences (not in the API's answer)

    @property
    def total(self) -> int:
        return self.funnels + self.spendings + self.incomes + self.planned

    def as_dict(self) -> dict[str, int]:
        return {"funnels": self.funnels, "spendings": self.spendings, "incomes": self.incomes}


def _ensure_owner(user: User) -> None:
    if user.household_id is None or not user.is_owner:
        raise PermissionDenied("Only the owner of the household can back it up or restore it.")


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def household_backup(*, user: User) -> dict[str, Any]:
    """The owner's household as a document (seven queries; rows streamed in chunks)."""
    _ensure_owner(user)
    household = user.household
    members = User.objects.filter(household=household).order_by("username")
    funnels = Funnel.objects.filter(household=household).order_by("position", "created_at", "id")
    spendings = Spending.objects.filter(funnel__household=household).order_by("spent_at", "id")
    incomes = Income.objects.filter(household=household).order_by("received_at", "id")
    plans = PlannedSpending.objects.filter(funnel__household=household).order_by("date", "id")
    occurrences = PlannedOccurrence.objects.filter(plan__funnel__household=household).order_by(
        "plan_id", "date"
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "household": household.settings_values(),
        "members": [
            {
                "id": m.pk,
                "username": m.username,
                "display_name": m.display_name,
                "role": m.role,
            }
            for m in members
        ],
        "funnels": [
            {
                "id": str(f.pk),
                "owner": f.owner_id,
                "name": f.name,
                "emoji": f.emoji,
                "color": f.color,
                "monthly_limit": str(f.monthly_limit),
                "rollover": f.rollover,
                "rollover_cap": None if f.rollover_cap is None else str(f.rollover_cap),
                "position": f.position,
                "created_at": _iso(f.created_at),
                "updated_at": _iso(f.updated_at),
            }
            for f in funnels
        ],
        "spendings": [
            {
                "id": str(s.pk),
                "funnel": str(s.funnel_id),
                "created_by": s.created_by_id,
                "amount": str(s.amount),
                "spent_at": _iso(s.spent_at),
                "note": s.note,
                "created_at": _iso(s.created_at),
                "updated_at": _iso(s.updated_at),
            }
            for s in spendings.iterator(chunk_size=BATCH)
        ],
        "incomes": [
            {
                "id": str(i.pk),
                "received_by": i.received_by_id,
                "amount": str(i.amount),
                "received_at": _iso(i.received_at),
                "source": i.source,
                "note": i.note,
                "shared": i.shared,
                "created_at": _iso(i.created_at),
                "updated_at": _iso(i.updated_at),
            }
            for i in incomes.iterator(chunk_size=BATCH)
        ],
        "planned": [
            {
                "id": str(p.pk),
                "funnel": str(p.funnel_id),
                "created_by": p.created_by_id,
                "amount": str(p.amount),
                "date": p.date.isoformat(),
                "note": p.note,
                "repeat": p.repeat,
                "created_at": _iso(p.created_at),
                "updated_at": _iso(p.updated_at),
                "done": [
                    {
                        "date": o.date.isoformat(),
                        "status": o.status,
                        "spending": None if o.spending_id is None else str(o.spending_id),
                    }
                    for o in occurrences
                    if o.plan_id == p.pk
                ],
            }
            for p in plans
        ],
    }


def backup_parse(*, raw: bytes, max_bytes: int) -> dict[str, Any]:
    """The document in an uploaded file or body, or BackupError (size, encoding, JSON, format)."""
    if len(raw) > max_bytes:
        raise BackupError(f"The file is too large: a backup has at most {max_bytes // 2**20} MB.")
    try:
        document = json.loads(raw.decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise BackupError("This is not a Funnels backup: the file is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise BackupError(
            f"The file is not complete JSON (line {error.lineno}): was it cut short?"
        ) from None
    return _check_header(document)


def _check_header(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError("This is not a Funnels household backup.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BackupError("This backup has no valid version number.")
    if version > VERSION:
        raise BackupError(
            f"This backup is version {version}, from a newer Funnels; this one reads version "
            f"{VERSION}. Update Funnels first."
        )
    return document


# --- reading a document strictly -------------------------------------------------------------


class _Reader:
    """Reads one entry of a section; every problem names the section and the entry."""

    def __init__(self, section: str, index: int, entry: Any) -> None:
        if not isinstance(entry, dict):
            raise BackupError(f"{section} entry {index + 1} is not an object.")
        self.section, self.index, self.entry = section, index, entry

    def fail(self, key: str, what: str) -> BackupError:
        return BackupError(f"{self.section} entry {self.index + 1}: {key} {what}.")

    def text(self, key: str, *, max_length: int, blank: bool = True) -> str:
        value = self.entry.get(key, "" if blank else None)
        if not isinstance(value, str) or len(value) > max_length or (not blank and not value):
            raise self.fail(key, f"must be text of {0 if blank else 1}–{max_length} characters")
        return value

    def uuid(self, key: str, *, null: bool = False) -> uuid.UUID | None:
        value = self.entry.get(key)
        if value is None and null:
            return None
        try:
            return uuid.UUID(str(value)) if isinstance(value, str) else uuid.UUID("")
        except ValueError:
            raise self.fail(key, "must be an id") from None

    def member_ref(self, key: str) -> int | None:
        value = self.entry.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise self.fail(key, "must be a member's number or null")
        return value

    def money(self, key: str, *, positive: bool) -> Decimal:
        value = self.entry.get(key)
        if not isinstance(value, str):
            raise self.fail(key, 'must be a decimal string like "12.50"')
        try:
            amount = to_money(value)
        except ValidationError:
            raise self.fail(key, 'must be a decimal string like "12.50"') from None
        if amount < 0 or (positive and amount == 0):
            raise self.fail(key, "must be more than zero" if positive else "cannot be negative")
        return amount

    def moment(self, key: str) -> datetime:
        value = self.entry.get(key)
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            raise self.fail(key, "must be a date-time with its offset")
        return parsed

    def choice(self, key: str, choices: list[str], *, default: str | None = None) -> str:
        value = self.entry.get(key, default)
        if value not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)}")
        return value

    def day(self, key: str) -> date:
        value = self.entry.get(key)
        try:
            return date.fromisoformat(value) if isinstance(value, str) else date.fromisoformat("")
        except ValueError:
            raise self.fail(key, "must be a date like 2026-03-01") from None

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.entry.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(key, f"must be a whole number from {low} to {high}")
        return value

    def flag(self, key: str) -> bool:
        value = self.entry.get(key)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value


def _section(document: dict[str, Any], name: str) -> list[Any]:
    value = document.get(name)
    if not isinstance(value, list):
        raise BackupError(f"The backup has no list of {name}.")
    return value


def _unique(section: str, ids: list[uuid.UUID]) -> None:
    if len(set(ids)) != len(ids):
        raise BackupError(f"The backup has the same id twice among its {section}.")


def _collisions(model: type[Model], ids: list[uuid.UUID], mine: QuerySet) -> int:
    """How many of the ids exist in another household (checked in batches)."""
    clash = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        clash += model.objects.filter(pk__in=batch).exclude(pk__in=mine).count()
    return clash


def _existing(model: type[Model], ids: list[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        found.update(model.objects.filter(pk__in=batch).values_list("pk", flat=True))
    return found


def household_restore(*, user: User, document: dict[str, Any]) -> RestoreCounts:
    """Recreate a backup in the owner's household: settings, funnels, spendings, income.

    Members are matched by username; what belonged to someone who is not here goes to the
    restoring owner (personal funnels, income), and their spendings show as a former member's.
    Everything is checked first; then one transaction writes it.
    """
    _ensure_owner(user)
    document = _check_header(document)
    household = user.household
    settings_ = document.get("household")
    if not isinstance(settings_, dict):
        raise BackupError("The backup has no household settings.")
    s = _Reader("household", 0, settings_)
    name = s.text("name", max_length=80, blank=False)
    currency = s.text("currency", max_length=3, blank=False)
    tz_name = s.text("timezone", max_length=64, blank=False)
    start_day = s.integer("period_start_day", 1, 28)
    mode = s.text("allowance_mode", max_length=4, blank=False)
    if mode not in AllowanceMode.values:
        raise s.fail("allowance_mode", f"must be one of {', '.join(AllowanceMode.values)}")

    here = {m.username.casefold(): m for m in User.objects.filter(household=household)}
    member_map: dict[int, User | None] = {}
    for index, entry in enumerate(_section(document, "members")):
        r = _Reader("members", index, entry)
        member_id = r.member_ref("id")
        if member_id is None:
            raise r.fail("id", "must be a member's number")
        username = r.text("username", max_length=150, blank=False)
        member_map[member_id] = here.get(username.casefold())  # type: ignore[index]

    def member(r: _Reader, key: str) -> int | None:
        ref = r.member_ref(key)
        if ref is not None and ref not in member_map:
            raise r.fail(key, "names no member of the backup")
        found = member_map.get(ref) if ref is not None else None
        return found.pk if found else None

    funnels: list[Funnel] = []
    for index, entry in enumerate(_section(document, "funnels")):
        r = _Reader("funnels", index, entry)
        owner_ref = r.member_ref("owner")
        owner = member(r, "owner")
        funnel = Funnel(
            id=r.uuid("id"),
            household=household,
            owner_id=owner if owner or owner_ref is None else user.pk,
            name=r.text("name", max_length=40, blank=False),
            emoji=r.text("emoji", max_length=32, blank=False),
            color=r.text("color", max_length=7, blank=False).lower(),
            monthly_limit=r.money("monthly_limit", positive=False),
            rollover=r.choice("rollover", Rollover.values, default=Rollover.NONE),
            rollover_cap=(
                None
                if r.entry.get("rollover_cap") is None
                else r.money("rollover_cap", positive=False)
            ),
            position=r.integer("position", 0, 2**31 - 1),
            created_at=r.moment("created_at"),
            updated_at=r.moment("updated_at"),
        )
        try:
            validate_one_emoji(funnel.emoji)
            validate_color(funnel.color)
            funnel.clean()  # the rollover rules (a cap for "capped", never negative)
        except ValidationError as error:
            raise BackupError(f"funnels entry {index + 1}: {error.messages[0]}") from None
        funnels.append(funnel)
    funnel_ids = {f.pk for f in funnels}

    def in_funnel(r: _Reader) -> dict[str, Any]:
        """What a spending and a planned spending both have: a funnel, an author, an amount."""
        funnel_id = r.uuid("funnel")
        if funnel_id not in funnel_ids:
            raise r.fail("funnel", "names no funnel of the backup")
        return {
            "id": r.uuid("id"),
            "funnel_id": funnel_id,
            "created_by_id": member(r, "created_by"),
            "amount": r.money("amount", positive=True),
            "note": r.text("note", max_length=200),
            "created_at": r.moment("created_at"),
            "updated_at": r.moment("updated_at"),
        }

    spendings: list[Spending] = []
    for index, entry in enumerate(_section(document, "spendings")):
        r = _Reader("spendings", index, entry)
        spendings.append(Spending(**in_funnel(r), spent_at=r.moment("spent_at")))

    incomes: list[Income] = []
    for index, entry in enumerate(_section(document, "incomes")):
        r = _Reader("incomes", index, entry)
        by_ref = r.member_ref("received_by")
        by = member(r, "received_by")
        incomes.append(
            Income(
                id=r.uuid("id"),
                household=household,
                received_by_id=by if by or by_ref is None else user.pk,
                amount=r.money("amount", positive=True),
                received_at=r.moment("received_at"),
                source=r.text("source", max_length=60, blank=False),
                note=r.text("note", max_length=200),
                shared=r.flag("shared"),
                created_at=r.moment("created_at"),
                updated_at=r.moment("updated_at"),
            )
        )
    for income in incomes:
        if not income.shared and income.received_by_id is None:
            income.shared = True  # nobody could see it otherwise (docs/rules.md §8.1)

    spending_ids = {s.pk for s in spendings}
    if not isinstance(document.get("planned", []), list):
        raise BackupError("The backup's planned spendings are not a list.")
    plans: list[PlannedSpending] = []
    done: list[PlannedOccurrence] = []
    for index, entry in enumerate(document.get("planned", [])):  # absent before version 1.1
        r = _Reader("planned", index, entry)
        plan = PlannedSpending(
            **in_funnel(r), date=r.day("date"), repeat=r.choice("repeat", Repeat.values)
        )
        plans.append(plan)
        entries = entry.get("done", [])
        if not isinstance(entries, list):
            raise r.fail("done", "must be a list")
        for step, occurrence in enumerate(entries):
            o = _Reader(f"planned entry {index + 1} done", step, occurrence)
            spending_id = o.uuid("spending", null=True)
            if spending_id is not None and spending_id not in spending_ids:
                raise o.fail("spending", "names no spending of the backup")
            done.append(
                PlannedOccurrence(
                    plan_id=plan.pk,
                    date=o.day("date"),
                    status=o.choice("status", OccurrenceStatus.values),
                    spending_id=spending_id,
                )
            )

    sections = (
        ("funnels", Funnel, funnels),
        ("spendings", Spending, spendings),
        ("incomes", Income, incomes),
        ("planned spendings", PlannedSpending, plans),
    )
    mine = {
        Funnel: Funnel.objects.filter(household=household).values("pk"),
        Spending: Spending.objects.filter(funnel__household=household).values("pk"),
        Income: Income.objects.filter(household=household).values("pk"),
        PlannedSpending: PlannedSpending.objects.filter(funnel__household=household).values("pk"),
    }
    for label, model, rows in sections:
        ids = [row.pk for row in rows]
        _unique(label, ids)
        if _collisions(model, ids, mine[model]):
            raise BackupError(
                f"Some {label} of this backup belong to another household on this server: "
                "it cannot be restored here."
            )

    with transaction.atomic():
        existing_funnels = _existing(Funnel, list(funnel_ids))
        new_funnels = [f for f in funnels if f.pk not in existing_funnels]
        existing_spendings = _existing(Spending, [s.pk for s in spendings])
        new_spendings = [s for s in spendings if s.pk not in existing_spendings]
        existing_incomes = _existing(Income, [i.pk for i in incomes])
        new_incomes = [i for i in incomes if i.pk not in existing_incomes]
        existing_plans = _existing(PlannedSpending, [p.pk for p in plans])
        new_plans = [p for p in plans if p.pk not in existing_plans]
        new_done = [o for o in done if o.plan_id not in existing_plans]
        if new_spendings and Spending.objects.filter(funnel__household=household).exists():
            raise BackupError(
                "This household has spendings already: restore a backup only into a household "
                "that has none yet."
            )
        counts = RestoreCounts(
            len(new_funnels), len(new_spendings), len(new_incomes), len(new_plans) + len(new_done)
        )
        if not counts.total:
            return counts
        household.name, household.currency, household.timezone = name, currency, tz_name
        household.period_start_day, household.allowance_mode = start_day, mode
        try:
            household.full_clean()
        except ValidationError as error:
            raise BackupError(f"household: {' '.join(error.messages)}") from None
        household.save()
        # The household had no spendings: the funnels it had (the defaults) give way to the
        # backup's, so that a backup of the restored household is the same document.
        funnels_delete(
            funnels=Funnel.objects.filter(household=household).exclude(pk__in=funnel_ids)
        )
        for model, rows in ((Funnel, new_funnels), (Spending, new_spendings),
                            (Income, new_incomes), (PlannedSpending, new_plans)):  # fmt: skip
            stamps = {row.pk: (row.created_at, row.updated_at) for row in rows}
            created = model.objects.bulk_create(rows, batch_size=BATCH)
            for row in created:  # bulk_create stamped them now; keep the backup's times
                row.created_at, row.updated_at = stamps[row.pk]
            model.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=BATCH)
        PlannedOccurrence.objects.bulk_create(new_done, batch_size=BATCH)
    return counts
