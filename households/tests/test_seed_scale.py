"""seed_scale (issue 11's 10-million-row data set), at a tiny size."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import Household, User
from funnels.models import Funnel, Spending
from funnels.selectors import overview_for

pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="set-based seeding is PostgreSQL's (generate_series)"
)


@on_postgresql
def test_seed_scale_builds_households_around_the_bench_one_and_replaces_them_when_rerun():
    call_command("seed_bench", spendings=120, stdout=io.StringIO())
    for _ in range(2):  # a second run replaces the scale households, it does not add more
        out = io.StringIO()
        call_command("seed_scale", households=3, spendings=480, stdout=out)
    assert "3 households, 12 members, 36 funnels; 480 spendings in all" in out.getvalue()
    assert Household.objects.count() == 4
    assert Spending.objects.count() == 480  # 120 + 3 households × 12 funnels × 10
    scale = Household.objects.get(name="Scale household 2")
    assert Funnel.objects.filter(household=scale, owner__isnull=True).count() == 4
    member = User.objects.get(username="scale-2-3")
    rows = overview_for(user=member).rows
    # Four shared funnels and the member's own two; nobody else's.
    assert len(rows) == 6
    assert {row.funnel.household_id for row in rows} == {scale.pk}
    assert {row.funnel.owner_id for row in rows} == {None, member.pk}


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
def test_seed_scale_says_it_needs_postgresql():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("seed_scale", households=1, spendings=10)


@on_postgresql
@pytest.mark.parametrize("arguments", [{"households": 0}, {"spendings": -1}])
def test_seed_scale_refuses_bad_sizes(arguments):
    with pytest.raises(CommandError, match="must be 1 or more"):
        call_command("seed_scale", **arguments)
