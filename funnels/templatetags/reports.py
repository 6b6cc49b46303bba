"""Template filters of the over-budget banner (docs/rules.md §8.5) and the calendar (§8.4)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from funnels.templatetags.money import money

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


@register.filter
def money_breakable(value: Decimal | None) -> str:
    """Money that may wrap after a thousands separator, never inside a group (narrow cells)."""
    # The text is escaped first; only the <wbr> added here is markup.
    escaped = conditional_escape(money(value))
    return mark_safe(escaped.replace(",", ",<wbr>"))  # nosec B308 B703
