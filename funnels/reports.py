"""Reads about money in and out: income suggestions, the period summary, reports, calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from funnels.models import Income

if TYPE_CHECKING:
    from accounts.models import User

RECENT_SOURCES = 8


def income_sources_recent(*, user: User, limit: int = RECENT_SOURCES) -> list[str]:
    """The member's last distinct income sources, newest first (suggestions for the form)."""
    rows = (
        Income.objects.filter(household_id=user.household_id, received_by=user)
        .order_by("-created_at")
        .values_list("source", flat=True)[: limit * 5]
    )
    sources: list[str] = []
    for source in rows:
        if source not in sources:
            sources.append(source)
    return sources[:limit]
