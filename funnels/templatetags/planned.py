"""When a planned occurrence is due, as the dashboard says it: "on the 1st", "tomorrow"."""

from __future__ import annotations

from datetime import date, timedelta

from django import template

register = template.Library()


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 22nd, 23rd … 31st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@register.filter
def due_on(day: date, today: date) -> str:
    """'today', 'tomorrow', 'on the 1st' (this month), 'on 1 Jan' (another), or 'was due …'."""
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    when = (
        f"on the {ordinal(day.day)}"
        if (day.year, day.month) == (today.year, today.month)
        else (f"on {day.day} {day:%b}" + ("" if day.year == today.year else f" {day.year}"))
    )
    return f"was due {when}" if day < today else when
