"""Template filters of the over-budget banner (docs/rules.md §8.5)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def over_budget(rows: Iterable[Any]) -> list[Any]:
    """The funnel rows (selectors.FunnelRow) whose remaining is below zero, most over first."""
    return sorted(
        (row for row in rows if row.figures.remaining < 0), key=lambda row: row.figures.remaining
    )


@register.filter
def over_by(remaining: Decimal) -> Decimal:
    """How far over the limit a negative remaining is."""
    return -remaining
