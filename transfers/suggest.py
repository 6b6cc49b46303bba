"""Funnel suggestion (docs/rules.md §9.4): from a note or a bank description, the funnel this
member most often used for earlier entries sharing a whole word with it.

Words are compared case- and accent-insensitively ("Café" is "cafe"), split on anything that
is not a letter or digit, so "bus" never matches "business". Numbers and one-letter words are
not evidence (bank descriptions are full of dates and card numbers). Ties go to the funnel used
most recently; no shared word, no suggestion. The member's choice always wins: this only
proposes.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from funnels.models import Funnel, Spending

if TYPE_CHECKING:
    from accounts.models import User

# The newest entries are the evidence: enough for habits, bounded for speed.
HISTORY = 5000
WORD = re.compile(r"\w+")


def words_of(text: str) -> set[str]:
    """Comparable words: case-folded, without accents, no numbers and no single letters."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return {w for w in WORD.findall(plain) if len(w) > 1 and not w.isdigit() and w != "_"}


Suggester = Callable[[str], uuid.UUID | None]


def funnel_suggester(*, user: User) -> Suggester:
    """A function text → funnel id, built from the member's newest entries in one query.

    Import calls it once per row; the dashboard once per keystroke pause.
    """
    visible = Funnel.objects.visible_to(user).values("pk")
    entries = (
        Spending.objects.filter(created_by=user, funnel__in=visible)
        .exclude(note="")
        .order_by("-spent_at", "-created_at")
        .values_list("note", "funnel_id", "spent_at")[:HISTORY]
    )
    index: dict[str, list[int]] = defaultdict(list)
    rows: list[tuple[uuid.UUID, datetime]] = []
    for number, (note, funnel_id, spent_at) in enumerate(entries):
        rows.append((funnel_id, spent_at))
        for word in words_of(note):
            index[word].append(number)

    def suggest(text: str) -> uuid.UUID | None:
        matching: set[int] = set()
        for word in words_of(text):
            matching.update(index.get(word, ()))
        if not matching:
            return None
        count: dict[uuid.UUID, int] = defaultdict(int)
        latest: dict[uuid.UUID, datetime] = {}
        for number in matching:
            funnel_id, spent_at = rows[number]
            count[funnel_id] += 1
            latest[funnel_id] = max(latest.get(funnel_id, spent_at), spent_at)
        return max(count, key=lambda f: (count[f], latest[f]))

    return suggest


def funnel_suggest(*, user: User, text: str) -> uuid.UUID | None:
    """The id of the funnel suggested for one note, or None without evidence."""
    if not words_of(text):
        return None
    return funnel_suggester(user=user)(text)
