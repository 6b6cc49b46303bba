"""The dashboard in a real Chromium: two-click entry, preview, undo, no console errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funnels.models import Funnel, Spending
from funnels.tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_click_entry_updates_the_figures_without_a_page_load(signed_in_page, user):
    page = signed_in_page(user)
    page.goto("/")
    food = Funnel.objects.get(owner=user, name="Food")
    row = page.locator(f"#funnel-{food.pk}")
    assert row.locator(".daily").inner_text().startswith("1,466.66")
    page.evaluate("window.__samePage = true")

    page.fill("#amount", "12,50")
    # The preview of every funnel's daily after this amount, in integer cents.
    assert row.locator("[data-preview]").inner_text() == "1,454.16"
    assert row.locator(".preview").is_visible()
    row.get_by_role("button", name="Spend from Food").click()

    expect(page.locator("#recent .amount")).to_have_text("12.50")
    assert row.locator(".daily").inner_text().startswith("1,454.16")
    assert page.locator("#totals").inner_text().count("3,987.50 of 4,000.00") == 1
    assert page.input_value("#amount") == ""
    assert page.evaluate("document.activeElement.id") == "amount"
    assert page.evaluate("window.__samePage") is True
    assert Spending.objects.get().amount == Decimal("12.50")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"))
