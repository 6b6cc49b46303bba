"""Import of spendings and income from bank files (docs/rules.md §9.3).

`import_preview` parses an upload and keeps its rows (with the suggested funnel and whether
each was imported before) without saving any entry; `import_confirm` saves the rows the member
kept, in one transaction, and records their keys so that the same lines never come in twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from funnels.models import Funnel, Income, Spending
from transfers import parsers
from transfers.models import ImportBatch, ImportedLine
from transfers.suggest import funnel_suggester

if TYPE_CHECKING:
    from accounts.models import User

BATCH = 2000
SKIP = None
# A preview holds the whole file's rows: it is kept this long, then the daily job deletes it.
BATCH_KEPT_DAYS = 7


@dataclass(frozen=True)
class ConfirmResult:
    created: int
    skipped: int


def import_preview(
    *,
    user: User,
    raw: bytes,
    filename: str,
    options: parsers.CsvOptions,
    encoding: str = "utf-8",
    max_bytes: int,
) -> ImportBatch:
    """Parse a bank file into a batch of rows for the member to review; saves no entry."""
    if user.household_id is None:
        raise PermissionDenied("Join a household before importing.")
    if len(raw) > max_bytes:
        raise parsers.ImportFileError(
            f"The file is too large: at most {max_bytes / 2**20:g} MB can be imported."
        )
    if not raw.strip():
        raise parsers.ImportFileError("The file is empty.")
    rows = parsers.parse_file(raw=raw, filename=filename, options=options, encoding=encoding)
    keys = parsers.row_keys(rows)
    seen = set(
        ImportedLine.objects.filter(household_id=user.household_id, key__in=keys).values_list(
            "key", flat=True
        )
    )
    suggest = funnel_suggester(user=user)
    batch_rows = [
        {
            "line": row.line,
            "date": row.day.isoformat(),
            "amount": str(row.amount),
            "type": row.kind,
            "description": row.description,
            "funnel": (
                str(found)
                if row.kind == parsers.SPENDING and (found := suggest(row.description))
                else None
            ),
            "duplicate": key in seen,
            "key": key,
        }
        for row, key in zip(rows, keys, strict=True)
    ]
    return ImportBatch.objects.create(
        household_id=user.household_id, user=user, filename=filename[:200], rows=batch_rows
    )


def _local_noon(day: str, tz: Any) -> datetime:
    # A bank line has a date, not a time: noon keeps it on that day whatever the DST shift.
    return datetime.combine(date.fromisoformat(day), time(12), tzinfo=tz)


@transaction.atomic
def import_confirm(
    *, user: User, batch: ImportBatch, choices: dict[int, uuid.UUID | None]
) -> ConfirmResult:
    """Save the kept rows of a batch in one transaction: `choices` maps a line to a funnel (or
    None to skip it); lines not named keep the preview's funnel. Income rows need no funnel:
    any value but None keeps them. Rows imported before are skipped."""
    if batch.user_id != user.pk:
        raise PermissionDenied("This import is not yours.")
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    lines = {row["line"] for row in batch.rows}
    unknown = sorted(set(choices) - lines)
    if unknown:
        raise parsers.ImportFileError(f"No line {unknown[0]} in this import.")
    visible = set(Funnel.objects.visible_to(user).values_list("pk", flat=True))
    for line, funnel in choices.items():
        if funnel is not None and funnel not in visible:
            row = next(r for r in batch.rows if r["line"] == line)
            if row["type"] == parsers.SPENDING:
                raise parsers.ImportFileError(f"Line {line}: no such funnel.")
    done = set(
        ImportedLine.objects.filter(
            household_id=user.household_id, key__in=[r["key"] for r in batch.rows]
        ).values_list("key", flat=True)
    )
    tz = user.household.tzinfo
    spendings, incomes, keys = [], [], []
    skipped = 0
    for row in batch.rows:
        line = row["line"]
        chosen = choices[line] if line in choices else row["funnel"] or SKIP
        if row["type"] == parsers.INCOME and line not in choices:
            chosen = "income"
        if chosen is SKIP or row["key"] in done:
            skipped += 1
            continue
        at = _local_noon(row["date"], tz)
        amount = Decimal(row["amount"])
        if row["type"] == parsers.SPENDING:
            funnel_id = uuid.UUID(str(chosen))
            if funnel_id not in visible:  # the suggested funnel went away since the preview
                skipped += 1
                continue
            spendings.append(
                Spending(
                    funnel_id=funnel_id, created_by=user, amount=amount, spent_at=at,
                    note=row["description"][:200],
                )
            )  # fmt: skip
        else:
            incomes.append(
                Income(
                    household_id=user.household_id, received_by=user, amount=amount,
                    received_at=at, source=(row["description"][:60] or "Import"),
                    note=row["description"][:200], shared=True,
                )
            )  # fmt: skip
        done.add(row["key"])
        keys.append(ImportedLine(household_id=user.household_id, key=row["key"]))
    Spending.objects.bulk_create(spendings, batch_size=BATCH)
    Income.objects.bulk_create(incomes, batch_size=BATCH)
    ImportedLine.objects.bulk_create(keys, batch_size=BATCH)
    batch.confirmed_at = timezone.now()
    batch.save(update_fields=["confirmed_at"])
    return ConfirmResult(created=len(spendings) + len(incomes), skipped=skipped)


def stale_import_batches_delete() -> int:
    """Daily job: delete the previews made more than BATCH_KEPT_DAYS ago, confirmed or not
    (the keys of imported lines stay, so a re-import still adds nothing). Returns how many."""
    cutoff = timezone.now() - timedelta(days=BATCH_KEPT_DAYS)
    deleted, _ = ImportBatch.objects.filter(created_at__lt=cutoff).delete()
    return deleted
