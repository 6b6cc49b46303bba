"""Income in the admin: scoped to the staff member's household, deletions through the service."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from funnels import income as income_services
from funnels.models import Income, IncomeTombstone

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff, admin_client_for) -> Client:
    """alice, staff (not superuser) with every permission, signed in to the admin."""
    return admin_client_for(staff)


def test_staff_see_only_their_households_income(staff_client, user, stranger):
    income_services.income_create(user=user, amount="10", source="Ours")
    income_services.income_create(user=stranger, amount="20", source="Theirs")
    content = staff_client.get(reverse("admin:funnels_income_changelist")).content.decode()
    assert "Ours" in content
    assert "Theirs" not in content


def test_admin_delete_leaves_a_tombstone(staff_client, user):
    income = income_services.income_create(user=user, amount="10", source="Gift")
    url = reverse("admin:funnels_income_delete", args=[income.pk])
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Income.objects.exists()
    assert IncomeTombstone.objects.filter(pk=income.pk).exists()


def test_admin_bulk_delete_leaves_tombstones(staff_client, user):
    ids = [
        income_services.income_create(user=user, amount=str(n), source="Gift").pk for n in (1, 2, 3)
    ]
    response = staff_client.post(
        reverse("admin:funnels_income_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Income.objects.exists()
    assert set(IncomeTombstone.objects.values_list("pk", flat=True)) == set(ids)


def test_shared_cannot_be_changed_in_the_admin(staff_client, user):
    income = income_services.income_create(user=user, amount="10", source="Gift")
    page = staff_client.get(reverse("admin:funnels_income_change", args=[income.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="shared"' not in content
    assert 'name="source"' in content  # the rest stays editable
