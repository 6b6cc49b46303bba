"""Income in the admin: scoped to the staff member's household, deletions through the service."""

from __future__ import annotations

from decimal import Decimal

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


def add_form(**changes):
    data = {"household": "", "received_by": "", "amount": "12.5", "source": "  Salary ",
            "note": " November ", "shared": "on", "received_at_0": "2026-11-10",
            "received_at_1": "09:00:00"}  # fmt: skip
    return data | changes


def test_admin_add_saves_through_the_income_service(staff_client, user, monkeypatch):
    calls = []

    def spy(*, income):
        calls.append(income.pk)
        return income_services.income_save_staff(income=income)

    monkeypatch.setattr("funnels.admin.income_save_staff", spy)
    form = add_form(household=user.household_id, received_by=user.pk)
    response = staff_client.post(reverse("admin:funnels_income_add"), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == reverse("admin:funnels_income_changelist")
    income = Income.objects.get()
    assert calls == [income.pk]
    assert (income.amount, income.source, income.note) == (Decimal("12.50"), "Salary", "November")
    assert income.received_by == user


def test_admin_change_saves_through_the_income_service(staff_client, user, member, monkeypatch):
    income = income_services.income_create(user=user, amount="10", source="Gift")
    calls = []

    def spy(*, income):
        calls.append(income.pk)
        return income_services.income_save_staff(income=income)

    monkeypatch.setattr("funnels.admin.income_save_staff", spy)
    url = reverse("admin:funnels_income_change", args=[income.pk])
    content = staff_client.get(url).content.decode()
    # Who recorded it and its household stay: moving it would hide it from whoever sees it.
    assert 'name="received_by"' not in content
    assert 'name="household"' not in content
    form = add_form(amount="11", source=" Gift back ", received_by=member.pk)
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert calls == [income.pk]
    income.refresh_from_db()
    assert (income.amount, income.source, income.received_by) == (
        Decimal("11.00"),
        "Gift back",
        user,
    )


def test_admin_refuses_income_by_someone_of_another_household(admin_client_for, staff, stranger):
    staff.is_superuser = True  # a superuser may pick anyone: the model's rule still holds
    staff.save()
    form = add_form(household=staff.household_id, received_by=stranger.pk)
    response = admin_client_for(staff).post(reverse("admin:funnels_income_add"), form)
    assert response.status_code == 200
    assert "Who recorded it is a member of its household." in response.content.decode()
    assert not Income.objects.exists()
