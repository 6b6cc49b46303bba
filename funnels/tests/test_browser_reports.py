"""Income, reports and calendar in a real Chromium (frozen clock): the Income action beside the
amount, the reports and calendar pages at phone and desktop width, light and dark, with axe.

Every test fails on any console error or CSP violation (the `console` fixture).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from funnels.models import Funnel, Income, Spending
from funnels.tests.axe import serious_axe_violations
from funnels.tests.conftest import ARTIFACTS
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def frozen_moment() -> datetime:
    """Day 22 of November, a year ahead (cookies the live server sets stay valid in Chromium)."""
    return datetime(timezone.now().year + 1, 11, 22, 12, tzinfo=UTC)


def fill_a_busy_period(user, now: datetime) -> None:
    """An overspent period: 13 funnels (long names), spending most days, income, a deficit."""
    food = Funnel.objects.get(owner=user, name="Food")
    for index in range(13):
        funnel = FunnelFactory(
            household=user.household,
            name=f"Funnel with a rather long name {index:02d}",
            color=f"#{(index * 1234567) % 0xFFFFFF:06x}",
            monthly_limit=Decimal("100.00"),
        )
        SpendingFactory(funnel=funnel, created_by=user, amount=Decimal(index * 7 + 1),
                        spent_at=now - timedelta(days=index))  # fmt: skip
    for day in range(21):
        SpendingFactory(funnel=food, created_by=user, amount=Decimal("180.00"),
                        spent_at=now - timedelta(days=day))  # fmt: skip
    Income.objects.create(household=user.household, received_by=user, amount=Decimal("2500.00"),
                          received_at=now - timedelta(days=20), source="Salary")  # fmt: skip


def test_income_action_saves_beside_the_amount_without_a_page_load(
    signed_in_page, user, time_machine, console
):
    console.allowed.append("the server responded with a status of 422")  # the bad amount
    time_machine.move_to(frozen_moment(), tick=True)
    Income.objects.create(household=user.household, received_by=user, amount=Decimal("1"),
                          received_at=timezone.now(), source="Salary")  # fmt: skip
    page = signed_in_page(user)
    page.goto("/")
    page.evaluate("window.__samePage = true")
    assert page.input_value("#source") == "Salary"  # remembered from the last entry
    page.fill("#amount", "2 500,00")
    page.get_by_role("button", name="Income").click()
    expect(page.locator("#toast")).to_have_text("Saved income 2,500.00 from Salary.")
    assert page.input_value("#amount") == ""
    assert page.input_value("#source") == "Salary"
    assert page.evaluate("document.activeElement.id") == "amount"
    assert page.evaluate("window.__samePage") is True
    assert Income.objects.filter(amount=Decimal("2500.00"), source="Salary").count() == 1
    assert not Spending.objects.exists()

    # A bad amount: a message next to the field, nothing saved, a spending still works after.
    page.fill("#amount", "0")
    page.get_by_role("button", name="Income").click()
    expect(page.locator("#entry-errors")).to_contain_text("The amount must be more than zero.")
    assert Income.objects.count() == 2
    page.fill("#amount", "12")
    page.get_by_role("button", name="Spend from Food").click()
    expect(page.locator("#toast")).to_have_text("Saved 12.00 from Food.")
    assert Spending.objects.get().amount == Decimal("12.00")
    assert Income.objects.count() == 2


def test_over_budget_banner_appears_in_place(signed_in_page, user, time_machine):
    time_machine.move_to(frozen_moment(), tick=True)
    food = Funnel.objects.get(owner=user, name="Food")
    SpendingFactory(funnel=food, created_by=user, amount=Decimal("1999.00"),
                    spent_at=timezone.now())  # fmt: skip
    page = signed_in_page(user)
    page.goto("/")
    assert not page.locator(".over-budget").is_visible()
    page.fill("#amount", "3")
    page.get_by_role("button", name="Spend from Food").click()
    expect(page.locator("#over-budget")).to_contain_text("Food: over by 2.00")


@pytest.mark.parametrize("path", ["/reports/", "/calendar/", "/reports/?date=2001-02-10"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_report_pages_render_cleanly(signed_in_page, user, time_machine, path, scheme, viewport):
    moment = frozen_moment()
    time_machine.move_to(moment, tick=True)
    fill_a_busy_period(user, moment)
    page = signed_in_page(user, color_scheme=scheme)
    if viewport == "desktop":
        page.set_viewport_size(DESKTOP)
    page.goto(path)
    expect(page.locator("h1")).to_have_text("Calendar" if "calendar" in path else "Reports")
    # Nothing wider than the screen: no sideways scrolling of the page.
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Reports and calendar are one tap away.
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Reports").is_visible()
    assert nav.get_by_role("link", name="Calendar").is_visible()
    assert serious_axe_violations(page) == []
    if "reports" in path and "date" not in path:
        assert page.locator("svg.chart[role=img]").count() == 4
        assert page.locator(".over-budget").is_visible()
        assert page.locator(".cards .negative").first.is_visible()  # a deficit
    ARTIFACTS.mkdir(exist_ok=True)
    name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
    page.screenshot(path=str(ARTIFACTS / f"{name}-{viewport}-{scheme}.png"), full_page=True)


def test_calendar_day_opens_the_history_of_that_day(signed_in_page, user, time_machine):
    moment = frozen_moment()
    time_machine.move_to(moment, tick=True)
    food = Funnel.objects.get(owner=user, name="Food")
    SpendingFactory(funnel=food, created_by=user, amount=Decimal("4.20"), spent_at=moment)
    Income.objects.create(household=user.household, received_by=user, amount=Decimal("9.10"),
                          received_at=moment, source="Gift")  # fmt: skip
    page = signed_in_page(user)
    page.goto("/calendar/")
    today = page.locator("td[aria-current=date]")
    expect(today).to_contain_text("4.20")
    expect(today).to_contain_text("9.10")
    today.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("History")
    listing = page.get_by_role("list", name="Spendings and income")
    expect(listing).to_contain_text("4.20")
    expect(listing).to_contain_text("9.10")
    expect(page.locator(".history-totals")).to_contain_text("4.20")


@pytest.mark.parametrize("page_name", ["history", "income edit", "income delete"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_income_pages_have_no_serious_accessibility_violations(
    signed_in_page, user, time_machine, page_name, scheme
):
    moment = frozen_moment()
    time_machine.move_to(moment, tick=True)
    fill_a_busy_period(user, moment)
    income = Income.objects.get(source="Salary")
    path = {
        "history": "/spendings/",
        "income edit": f"/incomes/{income.pk}/edit/",
        "income delete": f"/incomes/{income.pk}/delete/",
    }[page_name]
    page = signed_in_page(user, color_scheme=scheme)
    page.goto(path)
    if page_name == "history":
        expect(page.locator(".history-totals")).to_contain_text("2,500.00")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate(
        "document.documentElement.clientWidth"
    )
    assert serious_axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{page_name.replace(' ', '-')}-phone-{scheme}.png"))
