"""Reads for the export (docs/rules.md §9.1): the range a choice stands for, the rows of that range
oldest first as a stream, the first rows and the totals for the preview, and the CSV bytes.

Rows are read with `.iterator()` in chunks and merged in date order, so memory stays flat
whatever the size of the range.
"""

from __future__ import annotations

import csv
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet, Sum

from funnels import allowance
from funnels.models import Income, Spending
from funnels.selectors import local_today, period_of

if TYPE_CHECKING:
    from accounts.models import Household, User

ZERO = Decimal("0.00")
PREVIEW_ROWS = 20
CHUNK = 2000
FORMER_MEMBER = "former member"

THIS_PERIOD = "this_period"
LAST_PERIOD = "last_period"
LAST_3_PERIODS = "last_3_periods"
THIS_YEAR = "this_year"
ALL_TIME = "all"
CUSTOM = "custom"
RANGES = (
    (THIS_PERIOD, "This period"),
    (LAST_PERIOD, "Last period"),
    (LAST_3_PERIODS, "Last 3 periods"),
    (THIS_YEAR, "This year"),
    (ALL_TIME, "All time"),
    (CUSTOM, "Custom dates"),
)
ALL, SPENDING, INCOME = "all", "spending", "income"
KINDS = ((ALL, "Spending and income"), (SPENDING, "Spending only"), (INCOME, "Income only"))
CSV_HEADER = ("date", "type", "funnel", "amount", "currency", "member", "note")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class DateRange:
    """Inclusive local days; None means open on that side (all time)."""

    since: date | None
    until: date | None

    def bounds(self, tz: object) -> tuple[datetime | None, datetime | None]:
        start = allowance.local_midnight(self.since, tz) if self.since else None
        end = allowance.local_midnight(self.until + timedelta(days=1), tz) if self.until else None
        return start, end


@dataclass(frozen=True)
class ExportRow:
    at: datetime  # aware
    kind: str  # SPENDING or INCOME
    funnel: str  # the funnel's name, or the income's source
    amount: Decimal
    member: str
    note: str


@dataclass(frozen=True)
class ExportTotals:
    income: Decimal
    income_count: int
    spent: Decimal
    spent_count: int

    @property
    def balance(self) -> Decimal:
        return self.income - self.spent

    @property
    def count(self) -> int:
        return self.income_count + self.spent_count


def export_range(
    *, household: Household, choice: str, since: date | None = None, until: date | None = None
) -> DateRange:
    """The inclusive days a range choice stands for, in the household's periods and time zone."""
    if choice == CUSTOM:
        return DateRange(since, until)
    if choice == ALL_TIME:
        return DateRange(None, None)
    today = local_today(household=household)
    if choice == THIS_YEAR:
        return DateRange(date(today.year, 1, 1), date(today.year, 12, 31))
    current = period_of(household=household, on=today)
    if choice == THIS_PERIOD:
        return DateRange(current.start, current.last_day)
    previous = period_of(household=household, on=current.start - timedelta(days=1))
    if choice == LAST_PERIOD:
        return DateRange(previous.start, previous.last_day)
    if choice == LAST_3_PERIODS:
        oldest = period_of(household=household, on=previous.start - timedelta(days=1))
        return DateRange(oldest.start, current.last_day)
    raise ValueError(f"unknown range {choice!r}")


def _in_range(rows: QuerySet, moment: str, user: User, span: DateRange) -> QuerySet:
    """Rows whose `moment` field falls on the range's local days, oldest first."""
    start, end = span.bounds(user.household.tzinfo)
    if start:
        rows = rows.filter(**{f"{moment}__gte": start})
    if end:
        rows = rows.filter(**{f"{moment}__lt": end})
    return rows.order_by(moment, "created_at", "id")


def _spendings(user: User, span: DateRange) -> QuerySet[Spending]:
    return _in_range(Spending.objects.visible_to(user), "spent_at", user, span)


def _incomes(user: User, span: DateRange) -> QuerySet[Income]:
    return _in_range(Income.objects.visible_to(user), "received_at", user, span)


# Plain tuples, names joined in SQL: building model instances (and converting their ids) cost
# nine tenths of the export's time.
SPENDING_COLUMNS = (
    "spent_at",
    "funnel__name",
    "amount",
    "created_by__display_name",
    "created_by__username",
    "note",
)
INCOME_COLUMNS = (
    "received_at",
    "source",
    "amount",
    "received_by__display_name",
    "received_by__username",
    "note",
)


def _tuple_rows(rows: QuerySet, columns: tuple[str, ...], kind: str) -> Iterator[ExportRow]:
    """Export rows of a queryset; a member who left (no user any more) is "former member"."""
    for at, label, amount, display_name, username, note in rows.values_list(*columns).iterator(
        chunk_size=CHUNK
    ):
        yield ExportRow(at, kind, label, amount, display_name or username or FORMER_MEMBER, note)


def export_rows(*, user: User, span: DateRange, kind: str = ALL) -> Iterator[ExportRow]:
    """What the member can see in the range, oldest first, streamed from the database."""
    streams: list[Iterator[ExportRow]] = []
    if kind in (ALL, SPENDING):
        streams.append(_tuple_rows(_spendings(user, span), SPENDING_COLUMNS, SPENDING))
    if kind in (ALL, INCOME):
        streams.append(_tuple_rows(_incomes(user, span), INCOME_COLUMNS, INCOME))
    return heapq.merge(*streams, key=lambda row: row.at)


def export_preview(*, user: User, span: DateRange, kind: str = ALL) -> list[ExportRow]:
    """The first rows of the export, for the preview table."""
    return list(islice(export_rows(user=user, span=span, kind=kind), PREVIEW_ROWS))


def export_totals(*, user: User, span: DateRange, kind: str = ALL) -> ExportTotals:
    """Sums and counts of the export, as SQL aggregates over integer cents (two queries)."""
    spent, spent_count, income, income_count = ZERO, 0, ZERO, 0
    if kind in (ALL, SPENDING):
        agg = _spendings(user, span).order_by().aggregate(total=Sum("amount"), n=Count("id"))
        spent, spent_count = agg["total"] or ZERO, agg["n"]
    if kind in (ALL, INCOME):
        agg = _incomes(user, span).order_by().aggregate(total=Sum("amount"), n=Count("id"))
        income, income_count = agg["total"] or ZERO, agg["n"]
    return ExportTotals(
        income=income, income_count=income_count, spent=spent, spent_count=spent_count
    )


def csv_text(value: str) -> str:
    """A text cell a spreadsheet shows as text: a leading formula character gets a `'`."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def local_iso(moment: datetime, tz: object) -> str:
    """The local ISO date-time of a moment, to the second, without offset (what sheets read)."""
    return moment.astimezone(tz).replace(tzinfo=None).isoformat(timespec="seconds")


class _Line:
    """A file-like object whose write returns the line: csv.writer writes one row per call."""

    def write(self, value: str) -> str:
        return value


def export_csv(*, rows: Iterable[ExportRow], currency: str, tz: object) -> Iterator[bytes]:
    """RFC 4180 CSV (CRLF, quoted where needed), UTF-8 with a BOM, one chunk per row."""
    writer = csv.writer(_Line(), lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    yield "\ufeff".encode() + writer.writerow(CSV_HEADER).encode()
    for row in rows:
        line = writer.writerow(
            (
                local_iso(row.at, tz),
                row.kind,
                csv_text(row.funnel),
                str(row.amount),
                currency,
                csv_text(row.member),
                csv_text(row.note),
            )
        )
        yield line.encode()
