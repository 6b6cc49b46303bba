"""The benchmark commands keep working (small data set; no durations asserted)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from funnels.models import Funnel, Spending


@pytest.mark.django_db
def test_seed_bench_builds_the_household_and_bench_reports_every_path():
    out = StringIO()
    call_command("seed_bench", spendings=300, stdout=out)
    owner = User.objects.get(username="bench-ann")
    assert owner.household.members.count() == 4
    assert Funnel.objects.filter(household=owner.household).count() == 12
    assert Spending.objects.filter(funnel__household=owner.household).count() == 300

    call_command("seed_bench", spendings=10, stdout=StringIO())  # re-seeding replaces
    assert Spending.objects.filter(funnel__household__members__username="bench-ann").count() == 10

    report = StringIO()
    call_command("bench", runs=2, stdout=report)
    text = report.getvalue()
    for path in ("healthz", "dashboard", "overview", "spendings", "save spending", "tap"):
        assert path in text
    assert "HTTP" not in text  # every path answered without an error
