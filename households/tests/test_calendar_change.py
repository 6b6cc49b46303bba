"""A household's calendar change and its funnels' closed periods (docs/rules.md §12.1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine

from funnels.models import PeriodClose
from funnels.tests.test_rollover import _funnel, _household, at, carry_on, spend
from households.services import household_update


@pytest.mark.django_db
def test_changing_the_start_day_rebuilds_the_closed_periods_without_counting_twice(user):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1), policy="all")
    spend(funnel, user, "100", at(2026, 1, 20))
    spend(funnel, user, "300", at(2026, 2, 20))
    # Closed under start day 1: January (900 left) and February (700 left).
    assert carry_on(user, funnel, at(2026, 3, 20)).carry_in == D("1600")

    with time_machine.travel(at(2026, 3, 20), tick=False):
        household_update(user=user, period_start_day=15)
    # Start day 15: periods from 15 Dec (funnel created 1 Jan: 1000, spent 100) and 15 Jan
    # (1000, spent 300) closed, and the current one is 15 Feb – 14 Mar... no: today is 20 Mar,
    # so 15 Feb – 14 Mar (1000, spent 0) is closed too. Each spending counts once.
    user.household.refresh_from_db()
    figures = carry_on(user, funnel, at(2026, 3, 20))
    assert figures.carry_in == D("900") + D("700") + D("1000")
    starts = list(PeriodClose.objects.filter(funnel=funnel).values_list("period_start", flat=True))
    assert starts == [date(2025, 12, 15), date(2026, 1, 15), date(2026, 2, 15)]
