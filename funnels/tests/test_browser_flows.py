"""The whole story in a real Chromium: register with a real TOTP code, spend, undo, share, invite.

Fails on any console error or CSP violation (the `console` fixture).
"""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.models import Role, User
from funnels.models import Funnel, Spending

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_secret(secret: str) -> str:
    """The current code an authenticator app would show for the secret on the page."""
    key = b32decode(secret.replace(" ", "").upper())
    return f"{TOTP(key=key).token():06d}"


def nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def register(page, username: str, display_name: str, path: str = "/register/") -> None:
    page.goto(path)
    if path.startswith("/invite/"):  # the landing page names the household first (rules §11.4)
        expect(page.locator("h1")).to_have_text(re.compile(r"^Join "))
        page.get_by_role("link", name="Create my account and join").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Display name (optional)").fill(display_name)
    page.get_by_role("button", name="Continue").click()
    secret = page.locator(".secret code").inner_text()
    page.get_by_label("Code from your authenticator").fill(code_from_secret(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("Your recovery codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    if path == "/register/":  # a founder sees the one set-up screen first (rules §11.4)
        expect(page).to_have_url(re.compile(r"/welcome/$"))
        page.get_by_role("link", name="Skip for now").click()
    expect(page.locator("#period-title")).to_have_text("Can spend today")


def test_register_spend_undo_share_and_invite(new_page):
    alice = new_page()
    register(alice, "alice", "Alice")
    user = User.objects.get(username="alice")
    assert user.role == Role.OWNER
    # The default funnels.
    expect(alice.get_by_role("button", name="Spend from Food")).to_be_visible()
    expect(alice.get_by_role("button", name="Spend from Misc")).to_be_visible()

    # Two clicks, no page load.
    alice.evaluate("window.__samePage = true")
    alice.fill("#amount", "20")
    alice.get_by_role("button", name="Spend from Food").click()
    expect(alice.locator("#recent .amount")).to_have_text("20.00")
    assert alice.evaluate("window.__samePage") is True

    # Delete, then undo.
    alice.on("dialog", lambda dialog: dialog.accept())
    alice.get_by_role("link", name="Delete 20.00 Food").click()
    expect(alice.locator("#recent")).not_to_contain_text("20.00")
    alice.locator("#toast").get_by_role("button", name="Undo").click()
    expect(alice.locator("#recent .amount")).to_have_text("20.00")
    assert Spending.objects.count() == 1

    # A shared funnel.
    nav(alice, "Funnels")
    alice.get_by_role("link", name="New funnel").click()
    alice.fill("#name", "Groceries")
    alice.locator("label.emoji-choice", has_text="🛒").click()
    alice.fill("#monthly_limit", "800")
    alice.get_by_label("Shared by the household").check()
    alice.get_by_role("button", name="Create").click()
    expect(alice.locator(".funnel-admin")).to_contain_text("Groceries")
    assert Funnel.objects.get(name="Groceries").owner is None

    # An invite for Bob.
    nav(alice, "Family")
    alice.get_by_role("button", name="Create an invite link").click()
    link = alice.locator(".invite-link").first.input_value()
    assert "/invite/" in link

    bob = new_page()
    register(bob, "bob", "Bob", path=link.replace(alice.url.split("/household")[0], ""))
    assert User.objects.get(username="bob").household_id == user.household_id
    bob.fill("#amount", "33,10")
    bob.get_by_role("button", name="Spend from Groceries").click()
    expect(bob.locator("#recent")).to_contain_text("33.10")

    nav(alice, "Today")
    recent = alice.locator("#recent")
    expect(recent).to_contain_text("33.10 Groceries")
    expect(recent.locator(".who")).to_have_text("Bob")
