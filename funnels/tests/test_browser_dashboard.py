"""The web app in a real Chromium: two-click entry, preview, undo, sharing, no-JS, offline, a11y.

Every test fails on any console error or CSP violation (the `console` fixture).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.exceptions import ValidationError
from django.utils import timezone
from playwright.sync_api import expect

from funnels.fields import to_money
from funnels.models import Funnel, Spending
from funnels.tests.amount_table import AMOUNT_TABLE
from funnels.tests.conftest import ARTIFACTS
from funnels.tests.factories import SpendingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_click_entry_updates_the_figures_without_a_page_load(
    signed_in_page, user, time_machine
):
    # Day 22 of a 30-day November, a year ahead (cookies the server sets stay valid in Chromium):
    # Food's 2,000.00 pace allowance is 2,000.00 × 22 / 30 = 1,466.66 to spend today.
    time_machine.move_to(datetime(timezone.now().year + 1, 11, 22, 12, tzinfo=UTC), tick=True)
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
    page.get_by_role("button", name="Spend from Food").click()

    expect(page.locator("#recent .amount")).to_have_text("12.50")
    expect(page.locator("#toast")).to_have_text("Saved 12.50 from Food.")
    assert row.locator(".daily").inner_text().startswith("1,454.16")
    assert "3,987.50 of 4,000.00" in page.locator("#totals").inner_text()
    assert page.input_value("#amount") == ""
    assert page.evaluate("document.activeElement.id") == "amount"
    assert not row.locator(".preview").is_visible()
    assert page.evaluate("window.__samePage") is True
    assert Spending.objects.get().amount == Decimal("12.50")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"))


def test_preview_parses_amounts_exactly_as_the_server_does(signed_in_page, user):
    """The page script and to_money(typed=True) read the same table the same way."""
    page = signed_in_page(user)
    page.goto("/")
    texts = [text for text, _ in AMOUNT_TABLE]
    browser = page.evaluate("(texts) => texts.map((t) => window.Funnels.parseCents(t))", texts)
    for text, cents, expected in zip(texts, browser, AMOUNT_TABLE, strict=True):
        assert cents == expected[1], text
        try:
            server = int(to_money(text, typed=True) * 100)
        except ValidationError:
            server = None
        assert cents == server, text
    assert page.evaluate("window.Funnels.formatCents(-123456)") == "\u22121,234.56"
    assert page.evaluate("window.Funnels.formatCents(5)") == "0.05"


def test_invalid_amount_shows_a_message_and_keeps_the_typed_text(signed_in_page, user, console):
    # The browser logs the 422 answer itself; nothing else may show up in the console.
    console.allowed.append("the server responded with a status of 422")
    page = signed_in_page(user)
    page.goto("/")
    page.evaluate("window.__samePage = true")
    page.fill("#amount", "12.3456")
    page.get_by_role("button", name="Spend from Misc").click()
    expect(page.locator("#entry-errors")).to_contain_text("Use at most 2 decimal places.")
    assert page.input_value("#amount") == "12.3456"
    # One message at a time: after a save, a new error clears the stale "Saved …".
    page.fill("#amount", "3")
    page.get_by_role("button", name="Spend from Misc").click()
    expect(page.locator("#toast")).to_have_text("Saved 3.00 from Misc.")
    page.fill("#amount", "abc")
    page.get_by_role("button", name="Spend from Misc").click()
    expect(page.locator("#entry-errors")).to_contain_text("Enter the amount as a number")
    expect(page.locator("#toast")).to_be_empty()
    Spending.objects.all().delete()
    assert page.get_attribute("#amount", "aria-invalid") == "true"
    assert page.evaluate("window.__samePage") is True
    # Enter alone never spends: the default button is disabled. A spend that follows it is the
    # only one saved (an Enter submission would have been sent first).
    page.fill("#amount", "5")
    page.press("#amount", "Enter")
    page.get_by_role("button", name="Spend from Misc").click()
    expect(page.locator("#toast")).to_have_text("Saved 5.00 from Misc.")
    assert list(Spending.objects.values_list("amount", flat=True)) == [Decimal("5.00")]


def test_delete_asks_first_then_undo_brings_it_back(signed_in_page, user):
    food = Funnel.objects.get(owner=user, name="Food")
    spending = SpendingFactory(funnel=food, created_by=user, amount=Decimal("8.80"), note="bus")
    page = signed_in_page(user)
    page.goto("/")
    page.evaluate("window.__samePage = true")
    dialogs: list[str] = []

    def answer(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("link", name="Delete 8.80 Food").click()
    expect(page.locator("#toast")).to_contain_text("Spending deleted.")
    assert dialogs == ["Delete 8.80 from Food?"]
    expect(page.locator("#recent")).not_to_contain_text("8.80")
    assert not Spending.objects.exists()
    # Focus goes back to the amount field, and the offer says how long it lasts.
    expect(page.locator("#amount")).to_be_focused()
    expect(page.locator("#toast")).to_contain_text("for 60 s")

    page.locator("#toast").get_by_role("button", name="Undo").click()
    expect(page.locator("#recent .amount")).to_have_text("8.80")
    expect(page.locator("#amount")).to_be_focused()
    restored = Spending.objects.get()
    assert (restored.pk, restored.note, restored.amount) == (spending.pk, "bus", Decimal("8.80"))
    assert page.evaluate("window.__samePage") is True


def test_shared_funnel_created_by_one_member_is_spent_from_by_another(signed_in_page, user, member):
    alice = signed_in_page(user)
    alice.goto("/funnels/new/")
    alice.fill("#name", "Holidays")
    alice.locator("label.emoji-choice", has_text="🏖️").click()
    alice.locator("label.color-choice", has_text="#4fc3f7").click()
    alice.fill("#monthly_limit", "600")
    alice.get_by_label("Shared by the household").check()
    alice.get_by_role("button", name="Create").click()
    expect(alice.locator(".funnel-admin")).to_contain_text("Holidays")
    holidays = Funnel.objects.get(name="Holidays")
    assert (holidays.owner, holidays.emoji, holidays.color) == (None, "🏖️", "#4fc3f7")

    bob = signed_in_page(member)
    bob.goto("/")
    bob.fill("#amount", "45")
    bob.get_by_role("button", name="Spend from Holidays").click()
    expect(bob.locator("#recent")).to_contain_text("45.00")

    alice.goto("/")
    recent = alice.locator("#recent")
    expect(recent).to_contain_text("45.00 Holidays")
    expect(recent.locator(".who").first).to_have_text(member.name)


def test_everything_works_without_javascript(signed_in_page, user):
    page = signed_in_page(user, java_script_enabled=False)
    page.goto("/")
    page.fill("#amount", "3,30")
    page.get_by_role("button", name="Spend from Food").click()
    page.wait_for_url("**/")
    expect(page.locator("#recent .amount")).to_have_text("3.30")
    page.get_by_role("link", name="Delete 3.30 Food").click()
    expect(page.locator("h1")).to_have_text("Delete this spending?")
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("#toast")).to_contain_text("Spending deleted.")
    assert not Spending.objects.exists()
    page.locator("#toast").get_by_role("button", name="Undo").click()
    expect(page.locator("#recent .amount")).to_have_text("3.30")
    assert Spending.objects.count() == 1


def test_spending_while_offline_says_nothing_was_saved(signed_in_page, user, console):
    # The browser and htmx both log the failed request; nothing else may show up.
    console.allowed += [
        "ERR_INTERNET_DISCONNECTED",
        "htmx:sendError",
        "htmx:afterRequest",
        "Service Worker registration blocked by Playwright",
    ]
    page = signed_in_page(user, service_workers="block")
    page.goto("/")
    page.context.set_offline(True)
    page.fill("#amount", "5")
    page.get_by_role("button", name="Spend from Food").click()
    expect(page.locator("#entry-errors")).to_contain_text("No connection: nothing was saved.")
    assert page.input_value("#amount") == "5"
    page.context.set_offline(False)
    assert not Spending.objects.exists()


def test_offline_page_is_served_by_the_service_worker(signed_in_page, user):
    page = signed_in_page(user)
    page.goto("/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)") is True
    page.reload()  # now controlled by the worker
    page.context.set_offline(True)
    page.goto("/spendings/")
    expect(page.locator("h1")).to_have_text("You are offline")
    # Styled: the stylesheet came from the worker's cache too.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 245, 241)"
    page.context.set_offline(False)


@pytest.mark.parametrize(
    "path",
    ["/", "/funnels/", "/funnels/new/", "/spendings/", "/household/", "/account/", "/offline/"],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_serious_accessibility_violations(signed_in_page, user, path, scheme):
    SpendingFactory(funnel=Funnel.objects.get(owner=user, name="Food"), created_by=user)
    page = signed_in_page(user, color_scheme=scheme)
    page.goto(path)
    page.fill("#amount", "5") if path == "/" else None  # previews visible too
    results = Axe().run(page)
    serious = [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']]})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
