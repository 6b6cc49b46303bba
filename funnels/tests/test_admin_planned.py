"""Planned spendings in the admin: changes and deletions through the services, scoped to the
staff member's household, no adding (plans are made in the app)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funnels import planned
from funnels.models import Funnel, PlannedOccurrence, PlannedSpending, Spending

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-10T12:00:00Z")]


@pytest.fixture
def rent(user):
    funnel = Funnel.objects.get(owner=user, name="Food")
    plan = planned.planned_create(
        user=user, funnel=funnel, amount="900", date=date(2026, 12, 1), note="Rent",
        repeat="monthly",
    )  # fmt: skip
    planned.planned_skip(user=user, plan=plan, on=date(2026, 12, 1))
    return plan


def change_form(plan, **changes):
    data = {"amount": plan.amount, "date": plan.date.isoformat(), "repeat": plan.repeat,
            "note": plan.note, "occurrences-TOTAL_FORMS": 1, "occurrences-INITIAL_FORMS": 1,
            "occurrences-MIN_NUM_FORMS": 0, "occurrences-MAX_NUM_FORMS": 1000}  # fmt: skip
    data["occurrences-0-id"] = plan.occurrences.get().pk
    data["occurrences-0-plan"] = plan.pk
    return data | changes


def test_staff_change_a_plan_and_its_occurrences_show(admin_client_for, staff, rent):
    client = admin_client_for(staff)
    url = reverse("admin:funnels_plannedspending_change", args=[rent.pk])
    page = client.get(url).content.decode()
    assert "Skipped" in page
    response = client.post(url, change_form(rent, amount="950.50", note="  Rent up "))
    assert response.status_code == 302, response.content.decode()[:2000]
    rent.refresh_from_db()
    assert (rent.amount, rent.note) == (Decimal("950.50"), "Rent up")


def test_a_bad_amount_is_refused(admin_client_for, staff, rent):
    client = admin_client_for(staff)
    url = reverse("admin:funnels_plannedspending_change", args=[rent.pk])
    response = client.post(url, change_form(rent, amount="0"))
    assert response.status_code == 200
    assert "The amount must be more than zero." in response.content.decode()
    rent.refresh_from_db()
    assert rent.amount == Decimal("900")


def test_no_add_and_delete_keeps_the_spendings(admin_client_for, staff, user, rent):
    client = admin_client_for(staff)
    assert client.get(reverse("admin:funnels_plannedspending_add")).status_code == 403
    planned.planned_paid(user=user, plan=rent, on=date(2027, 1, 1))
    url = reverse("admin:funnels_plannedspending_delete", args=[rent.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not PlannedSpending.objects.exists()
    assert not PlannedOccurrence.objects.exists()
    assert Spending.objects.get().amount == Decimal("900")


def test_staff_see_only_their_households_plans(admin_client_for, staff, stranger, rent):
    theirs = planned.planned_create(
        user=stranger, funnel=Funnel.objects.get(owner=stranger, name="Food"), amount="5",
        date=date(2026, 12, 1), note="Secret plan",
    )  # fmt: skip
    client = admin_client_for(staff)
    page = client.get(reverse("admin:funnels_plannedspending_changelist")).content.decode()
    assert "Rent" in page
    assert "Secret plan" not in page
    url = reverse("admin:funnels_plannedspending_change", args=[theirs.pk])
    assert client.get(url).status_code == 302  # "does not exist" back to the admin index
    assert client.post(url, change_form(rent, amount="1")).status_code == 302
    theirs.refresh_from_db()
    assert theirs.amount == Decimal("5")
