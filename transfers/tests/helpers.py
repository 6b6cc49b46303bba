"""Shared test data for the transfers tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from funnels.models import Funnel, Income, Spending


def at(month: int, day: int, hour: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def spend(user, amount: str, when: datetime, *, note: str = "", funnel: Funnel | None = None):
    funnel = funnel or Funnel.objects.get(owner=user, name="Food")
    return Spending.objects.create(
        funnel=funnel, created_by=user, amount=Decimal(amount), spent_at=when, note=note
    )


def earn(user, amount: str, when: datetime, *, shared: bool = True, source: str = "Salary"):
    return Income.objects.create(
        household=user.household, received_by=user, amount=Decimal(amount),
        received_at=when, source=source, shared=shared,
    )  # fmt: skip
