from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db


def test_dashboard_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_dashboard_shows_default_funnels_with_daily_figures(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Food" in content
    assert "Misc" in content
    assert 'id="totals"' in content


def test_dashboard_never_shows_another_members_personal_funnel(client, user, member):
    FunnelFactory(household=user.household, owner=member, name="Bobs secret")
    client.force_login(user)
    assert "Bobs secret" not in client.get("/").content.decode()


@pytest.mark.parametrize("extra_funnels", [0, 10])
def test_dashboard_query_count_is_constant(client, user, django_assert_num_queries, extra_funnels):
    for _ in range(extra_funnels):
        funnel = FunnelFactory(household=user.household)
        SpendingFactory.create_batch(3, funnel=funnel, created_by=user, amount=Decimal("1.00"))
    client.force_login(user)
    # session, user, household, funnels with sums, closed periods with their sums (rollover),
    # plans with their done occurrences, recent spendings, the member's recent income sources:
    # 8, whatever the number of rows (the sliding session is renewed at most once a day).
    with django_assert_num_queries(8):
        response = client.get("/")
    assert response.content.decode().count('class="funnel"') == 2 + extra_funnels
