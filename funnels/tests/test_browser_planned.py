"""Planned spendings in a real Chromium: accessible sections, "Paid" works as a plain POST, and
the funnels page's form adds a plan (no console error or CSP violation: the `console` fixture)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funnels import planned
from funnels.models import Funnel, PlannedSpending, Spending
from funnels.selectors import local_today
from funnels.tests.axe import serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_paid_from_the_dashboard_and_a_plan_added_on_the_funnels_page(signed_in_page, user):
    food = Funnel.objects.get(owner=user, name="Food")
    today = local_today(household=user.household)
    plan = planned.planned_create(
        user=user, funnel=food, amount="45", date=today, note="Gas", repeat="none"
    )
    page = signed_in_page(user)
    page.goto("/")
    row = page.locator(f"#occurrence-{plan.pk}-{today:%Y%m%d}")
    expect(row).to_contain_text("Gas 45.00 today")
    expect(page.locator(f"#funnel-{food.pk} .planned")).to_have_text("45.00 set aside")
    assert serious_axe_violations(page) == []
    row.get_by_role("button", name="Paid").click()
    expect(page.locator("#toast")).to_contain_text("recorded as spent")  # htmx: no page load
    expect(page.locator(f"#occurrence-{plan.pk}-{today:%Y%m%d}")).to_have_count(0)
    assert Spending.objects.get(funnel=food).amount == Decimal("45")

    page.goto("/funnels/")
    expect(page.locator(f"#plan-{plan.pk}")).to_contain_text("On ")
    assert serious_axe_violations(page) == []
    form = page.locator(".planned-form")
    form.get_by_label("Amount").fill("900")
    form.get_by_label("Date").fill(f"{today:%Y-%m-%d}")
    form.get_by_label("Repeat").select_option("monthly")
    form.get_by_label("Note").fill("Rent")
    form.get_by_role("button", name="Add").click()
    expect(page.locator(".planned-list")).to_contain_text("Rent 900.00")
    assert PlannedSpending.objects.filter(note="Rent", repeat="monthly").exists()
