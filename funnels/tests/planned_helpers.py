"""What the planned-spending tests share: their frozen moment and a plain calendar (UTC, periods
from the 1st, pace mode) with a Food funnel that existed long before (no §11.5 first period)."""

from __future__ import annotations

from datetime import UTC, datetime

from funnels.models import Funnel

NOW = datetime(2026, 11, 10, 12, tzinfo=UTC)


def plain_food(user) -> Funnel:
    household = user.household
    household.timezone, household.period_start_day, household.allowance_mode = "UTC", 1, "pace"
    household.save()
    funnel = Funnel.objects.get(owner=user, name="Food")
    Funnel.objects.filter(pk=funnel.pk).update(created_at=datetime(2026, 1, 1, tzinfo=UTC))
    return funnel
