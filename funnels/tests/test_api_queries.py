"""Query counts (docs/rules.md §7): list and overview endpoints run a constant number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from funnels.models import Funnel, SpendingTombstone
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db

# (url, queries): authentication reads the user and the household, then the page's own reads.
ENDPOINTS = [
    # funnels with their sums, closed periods, plans
    ("/api/v1/funnels/", 5),
    # the same, then the recent spendings
    ("/api/v1/overview/", 6),
    ("/api/v1/overview/?date=2026-01-15", 6),
    # the visible funnels' ids, the page, its authors (selectors.spendings_visible_to)
    ("/api/v1/spendings/", 5),
    ("/api/v1/spendings/?updated_since=2000-01-01T00:00:00Z&since=2000-01-01", 5),
    # Deletions are kept 90 days: ask from a month ago (filled in when the test runs).
    ("/api/v1/spendings/deleted/?since={month_ago}", 3),
]


def grow(user, member, funnels: int, spendings_each: int) -> None:
    """Add shared funnels, spendings by both members and tombstones."""
    now = timezone.now()
    for n in range(funnels):
        funnel = FunnelFactory(household=user.household, position=10 + n)
        for i in range(spendings_each):
            SpendingFactory(
                funnel=funnel,
                created_by=member if i % 2 else user,
                amount=Decimal("1.25"),
                spent_at=now - timedelta(days=i),
            )
            SpendingTombstone.objects.create(
                id=SpendingFactory.build().id,
                household=user.household,
                funnel_id=funnel.pk,
            )


@pytest.mark.parametrize(("url", "queries"), ENDPOINTS)
def test_query_count_does_not_grow_with_funnels_or_spendings(
    api_client_for, user, member, django_assert_num_queries, url, queries
):
    month_ago = timezone.now() - timedelta(days=30)
    url = url.format(month_ago=month_ago.strftime("%Y-%m-%dT%H:%M:%SZ"))
    client = api_client_for(user)
    # 2 funnels (alice's defaults), few spendings.
    food = Funnel.objects.get(owner=user, name="Food")
    SpendingFactory(funnel=food, created_by=user)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert len(small) == queries, [q["sql"] for q in small.captured_queries]

    # 12 funnels, many spendings by two members, many tombstones.
    grow(user, member, funnels=10, spendings_each=8)
    assert Funnel.objects.visible_to(user).count() == 12
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
