"""The daily habit in a real Chromium (docs/rules.md §4): with the on-screen keyboard open the
amount and at least 8 funnel keys are in view without scrolling; a browser signed out by a
newer sign-in elsewhere is told so and keeps what was typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import totp_code_fresh, totp_device
from funnels.models import Funnel, Spending
from funnels.tests.conftest import ARTIFACTS
from funnels.tests.factories import FunnelFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A 390 × 844 phone with the on-screen keyboard open leaves about this much page.
KEYBOARD_OPEN = {"width": 390, "height": 480}
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

IN_VIEW = """() => {
  const inView = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.top < 0 || box.left < 0) return false;
    if (box.bottom > window.innerHeight || box.right > window.innerWidth) return false;
    // Not covered by anything else (the fixed tab bar, the toast), top to bottom.
    const x = box.left + box.width / 2;
    return [box.top + 2, box.top + box.height / 2, box.bottom - 2].every((y) =>
      el.contains(document.elementFromPoint(x, y)));
  };
  return {
    scrollY: window.scrollY,
    amount: inView(document.getElementById("amount")),
    keys: [...document.querySelectorAll("#funnel-pad .pad-key")].filter(inView).map((key) => ({
      label: key.getAttribute("aria-label"),
      emoji: key.querySelector(".emoji").textContent,
      name: key.querySelector(".short").textContent,
      figure: key.querySelector(".figure").textContent,
      colour: key.querySelector(".swatch rect").getAttribute("fill"),
    })),
  };
}"""


def test_amount_and_eight_funnel_keys_are_in_view_with_the_keyboard_open(signed_in_page, user):
    for n in range(10):
        FunnelFactory(
            household=user.household, owner=user, name=f"Funnel number {n}", emoji="🚗",
            color="#4fc3f7", monthly_limit="300.00",
        )  # fmt: skip
    assert Funnel.objects.visible_to(user).count() == 12
    page = signed_in_page(user)
    page.set_viewport_size(KEYBOARD_OPEN)
    page.goto("/")
    page.focus("#amount")
    seen = page.evaluate(IN_VIEW)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-keyboard-open.png"))
    assert seen["scrollY"] == 0
    assert seen["amount"] is True
    assert len(seen["keys"]) >= 8, seen
    food = next(key for key in seen["keys"] if key["label"] == "Spend from Food")
    assert food["emoji"]
    assert food["name"] == "Food"
    assert food["colour"].startswith("#")
    # Today's figure, as the money filter shows it.
    assert food["figure"].replace(",", "").replace(".", "").isdigit()
    print(f"funnel keys in view with the keyboard open: {len(seen['keys'])} of 12")


def _sign_in_through_the_form(page, device) -> None:
    page.goto("/login/")
    page.fill("#id_username", device.user.username)
    page.fill("#id_code", totp_code_fresh(device))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#amount")).to_be_visible()


def test_two_browsers_the_older_one_is_told_and_keeps_the_typed_spending(new_page, user):
    device = totp_device(user)
    phone = new_page()
    _sign_in_through_the_form(phone, device)
    laptop = new_page(user_agent=LAPTOP)
    _sign_in_through_the_form(laptop, device)

    phone.fill("#amount", "12,50")
    phone.get_by_role("button", name="Spend from Food").click()
    notice = phone.locator("#signed-out-elsewhere")
    expect(notice).to_contain_text("signed in on another device: Firefox on Linux")
    expect(notice).to_contain_text("What you were saving here is kept")
    assert not Spending.objects.exists()

    _sign_in_through_the_form(phone, device)
    expect(phone.locator("#kept-draft")).to_contain_text("Tap Food to save it.")
    assert phone.input_value("#amount") == "12,50"
    phone.get_by_role("button", name="Spend from Food").click()
    expect(phone.locator("#toast")).to_have_text("Saved 12.50 from Food.")
    assert Spending.objects.get().amount == Decimal("12.50")


def test_invite_link_is_copied_in_one_tap(signed_in_page, user, chromium):
    page = signed_in_page(user)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/household/")
    page.get_by_role("button", name="Create an invite link").click()
    link = page.locator(".invite-link").first.input_value()
    page.locator(".invite [data-copy]").first.click()
    expect(page.locator(".invite .share-status").first).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link


def test_first_run_suggests_the_browsers_time_zone(signed_in_page, user):
    user.household.timezone = "UTC"
    user.household.save(update_fields=["timezone"])
    page = signed_in_page(user, timezone_id="Europe/Zurich")
    page.goto("/welcome/")
    expect(page.locator("#id_timezone")).to_have_value("Europe/Zurich")
    page.get_by_role("button", name="Save and start").click()
    expect(page.locator("#amount")).to_be_visible()
    user.household.refresh_from_db()
    assert user.household.timezone == "Europe/Zurich"
