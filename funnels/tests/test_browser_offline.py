"""Offline in a real Chromium (docs/rules.md §11.2): the service worker keeps the last dashboard
and a queue of spendings saved without a network, shown as pending and counted in the figures,
sent exactly once when the network returns, and kept while the session has ended until sign-in.

No test depends on today's date: the figures are compared with the page's own before and after.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine as time_machine_module
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import totp_code_fresh, totp_device
from funnels.models import Funnel, Spending

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _server_clock_is_the_devices(time_machine):
    """The service worker dates a queued spending by the device's clock, which a test cannot
    move; with only the server's clock moved (CI's moved-clock passes) the spendings would land
    months away, in another period. The server's clock follows the device's: figures are
    compared with those read from the page, so no expectation depends on the day."""
    hatch = time_machine_module.escape_hatch
    if hatch.is_travelling():
        time_machine.move_to(datetime.fromtimestamp(hatch.time.time(), tz=UTC), tick=True)


# The browser logs the requests that found no network (the page's and the worker's own).
OFFLINE_NOISE = ["ERR_INTERNET_DISCONNECTED", "Failed to fetch", "net::ERR_"]
AMOUNTS = (("Food", "2,50"), ("Food", "3"), ("Misc", "1.234,50"))
SENT = {Decimal("2.50"), Decimal("3.00"), Decimal("1234.50")}


def cents(text: str) -> int:
    """'1,466.66' or '−3.00' as shown -> integer cents."""
    number = text.strip().split()[0].replace(",", "").replace("\u2212", "-")
    return round(Decimal(number) * 100)


def figures(page, funnel: Funnel) -> dict[str, int]:
    shown = {
        "key": f"#pad-daily-{funnel.pk}",
        "daily": f"#daily-{funnel.pk} [data-cents]",
        "remaining": f"#funnel-{funnel.pk} .remaining [data-cents]",
        "total": "#totals strong [data-cents]",
    }
    return {name: cents(page.locator(selector).inner_text()) for name, selector in shown.items()}


def wait_until(page, condition, seconds: float = 15) -> None:
    """Poll the database (the queue is sent in the background) while the page runs.

    The test database is SQLite in memory with a shared cache, whose table locks do not wait:
    a read that meets the live server's write is simply tried again.
    """
    for _ in range(int(seconds * 10)):
        try:
            if condition():
                return
        except OperationalError:
            pass
        page.wait_for_timeout(100)
    raise AssertionError("the queued spendings did not arrive")


def worker_reported(page) -> None:
    """Wait until the service worker has reported on its queue since the page loaded: it does so
    after each try to send (the page asks for one on load), so that try is over."""
    expect(page.locator("html")).to_have_attribute(
        "data-queue-reports", re.compile(r"^[1-9]"), timeout=15_000
    )


def controlled_dashboard(signed_in_page, user, console):
    """The dashboard, controlled by the service worker (which has a copy of it)."""
    console.allowed += OFFLINE_NOISE
    page = signed_in_page(user)
    page.goto("/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)") is True
    page.reload()
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)") is True
    return page


def spend_offline(page) -> None:
    page.context.set_offline(True)
    for count, (name, amount) in enumerate(AMOUNTS, start=1):
        page.fill("#amount", amount)
        page.get_by_role("button", name=f"Spend from {name}").click()
        expect(page.locator("#recent .pending")).to_have_count(count)
        expect(page.locator("#amount")).to_have_value("")
    expect(page.locator("#toast")).to_contain_text("kept on this device")


def assert_pending_and_counted(page, before: dict[Funnel, dict[str, int]]) -> None:
    rows = page.locator("#recent .pending")
    expect(rows).to_have_count(3)
    # Newest first, with the funnel's name and "pending".
    assert rows.nth(0).locator(".what").inner_text().startswith("1,234.50 Misc")
    assert "pending" in rows.nth(0).inner_text()
    assert rows.nth(2).locator(".what").inner_text().startswith("2.50 Food")
    food, fun = before
    taken = {food: 550, fun: 123450}
    for funnel, spent in taken.items():
        now = figures(page, funnel)
        assert now["key"] == before[funnel]["key"] - spent
        assert now["daily"] == before[funnel]["daily"] - spent
        assert now["remaining"] == before[funnel]["remaining"] - spent
        assert now["total"] == before[funnel]["total"] - 550 - 123450


def test_three_spendings_offline_are_kept_shown_counted_and_sent_once(
    signed_in_page, user, console
):
    food = Funnel.objects.get(owner=user, name="Food")
    fun = Funnel.objects.get(owner=user, name="Misc")
    page = controlled_dashboard(signed_in_page, user, console)
    before = {food: figures(page, food), fun: figures(page, fun)}

    spend_offline(page)
    expect(page.locator("#pending-status")).to_have_text(
        "3 pending spendings kept on this device, sent when you are back online."
    )
    assert_pending_and_counted(page, before)

    # Reloaded without a network: the dashboard as last seen, the three still pending.
    page.reload()
    expect(page.locator("#last-seen")).to_be_visible()
    assert re.fullmatch(
        r"Offline: figures as last seen at \d\d:\d\d\.", page.locator("#last-seen").inner_text()
    )
    assert_pending_and_counted(page, before)
    assert not Spending.objects.exists()

    back_online = timezone.now()
    page.context.set_offline(False)
    expect(page.locator("#recent .pending")).to_have_count(0, timeout=15_000)
    expect(page.locator("#pending-status")).to_be_hidden()
    assert {spending.amount for spending in Spending.objects.all()} == SENT
    assert Spending.objects.count() == 3
    # Dated when they were typed, not when they arrived.
    assert all(spending.spent_at < back_online for spending in Spending.objects.all())

    # Back online and loaded again: nothing is sent a second time.
    page.reload()
    expect(page.locator("#last-seen")).to_be_hidden()
    expect(page.locator("#recent .spending .amount")).to_have_count(3)
    worker_reported(page)  # its try to send what it holds is over: nothing went twice
    assert Spending.objects.count() == 3
    assert figures(page, food)["daily"] == before[food]["daily"] - 550


def test_spendings_kept_while_signed_out_are_sent_after_signing_in(signed_in_page, user, console):
    device = totp_device(user)
    page = controlled_dashboard(signed_in_page, user, console)
    spend_offline(page)

    Session.objects.all().delete()  # the session ends while the phone is offline
    page.context.set_offline(False)
    status = page.locator("#pending-status")
    expect(status).to_have_text("Sign in to send 3 pending spendings.", timeout=15_000)
    expect(page.locator("#recent .pending")).to_have_count(3)
    assert not Spending.objects.exists()

    status.get_by_role("link", name="Sign in").click()
    # The sign-in page says so too.
    expect(status).to_have_text(
        "3 pending spendings typed by alice on this device wait until alice signs in here."
    )
    sign_in(page, device)
    wait_until(page, lambda: Spending.objects.count() >= 3)
    expect(page.locator("#recent .pending")).to_have_count(0)
    expect(status).to_be_hidden()
    # Not offered again as a typed draft either: they went through the queue, once.
    expect(page.locator("#kept-draft")).to_have_count(0)
    assert {spending.amount for spending in Spending.objects.all()} == SENT
    assert set(Spending.objects.values_list("created_by", flat=True)) == {user.pk}
    page.reload()
    expect(page.locator("#recent .spending .amount")).to_have_count(3)
    worker_reported(page)  # its try to send what it holds is over: nothing went twice
    assert Spending.objects.count() == 3


def test_an_amount_the_server_would_refuse_is_not_kept(signed_in_page, user, console):
    console.allowed += ["htmx:sendError", "htmx:afterRequest"]
    page = controlled_dashboard(signed_in_page, user, console)
    page.context.set_offline(True)
    page.fill("#amount", "12,3,4")
    page.get_by_role("button", name="Spend from Food").click()
    expect(page.locator("#entry-errors")).to_contain_text("No connection: nothing was saved.")
    expect(page.locator("#recent .pending")).to_have_count(0)
    assert page.input_value("#amount") == "12,3,4"
    page.context.set_offline(False)


def sign_in(page, device) -> None:
    page.fill("#id_username", device.user.username)
    page.fill("#id_code", totp_code_fresh(device))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#amount")).to_be_visible()


def test_a_spending_typed_by_one_member_waits_for_that_member(
    signed_in_page, user, member, console
):
    alice, bob = totp_device(user), totp_device(member)
    page = controlled_dashboard(signed_in_page, user, console)
    page.context.set_offline(True)
    page.fill("#amount", "7")
    page.get_by_role("button", name="Spend from Food").click()
    expect(page.locator("#recent .pending")).to_have_count(1)
    Session.objects.all().delete()
    page.context.set_offline(False)
    status = page.locator("#pending-status")
    expect(status).to_have_text("Sign in to send 1 pending spending.", timeout=15_000)

    # bob signs in on alice's phone: alice's spending is neither sent as his nor shown as his.
    status.get_by_role("link", name="Sign in").click()
    sign_in(page, bob)
    expect(status).to_have_text(
        "1 pending spending typed by alice on this device waits until alice signs in here.",
        timeout=15_000,
    )
    expect(page.locator("#recent .pending")).to_have_count(0)
    assert not Spending.objects.exists()

    Session.objects.all().delete()
    page.goto("/login/")
    sign_in(page, alice)
    wait_until(page, lambda: Spending.objects.exists())
    spending = Spending.objects.get()
    assert (spending.amount, spending.created_by) == (Decimal("7.00"), user)
    expect(status).to_be_hidden()


def test_with_no_page_open_background_sync_sends_the_queue(signed_in_page, user, console):
    page = controlled_dashboard(signed_in_page, user, console)
    context = page.context
    assert context.service_workers[0].evaluate("'sync' in self.registration") is True
    context.set_offline(True)
    page.fill("#amount", "4")
    page.get_by_role("button", name="Spend from Food").click()
    expect(page.locator("#recent .pending")).to_have_count(1)
    page.close()
    worker = context.service_workers[0]
    assert worker.evaluate("queue.getAll().then((entries) => entries.length)") == 1
    assert not Spending.objects.exists()

    context.set_offline(False)  # no page to say so: only the worker's sync event can send it
    for _ in range(150):
        try:
            if Spending.objects.exists():
                break
        except OperationalError:
            pass
        time.sleep(0.1)
    assert Spending.objects.get().amount == Decimal("4.00")


def test_signing_out_drops_the_dashboard_kept_for_offline(signed_in_page, user, console):
    page = controlled_dashboard(signed_in_page, user, console)
    page.goto("/account/")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    page.context.set_offline(True)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("You are offline")
    assert page.locator("#amount").count() == 0
    page.context.set_offline(False)


def test_a_queued_spending_refused_for_good_is_kept_until_dismissed(signed_in_page, user, console):
    misc = Funnel.objects.get(owner=user, name="Misc")
    page = controlled_dashboard(signed_in_page, user, console)
    page.context.set_offline(True)
    page.fill("#amount", "3")
    page.get_by_role("button", name="Spend from Misc").click()
    expect(page.locator("#recent .pending")).to_have_count(1)
    misc.delete()  # meanwhile, on another device
    page.context.set_offline(False)
    refused = page.locator("#pending-refused")
    expect(refused).to_contain_text(
        "Not saved: 3 Misc. That funnel is not one you can spend from.", timeout=15_000
    )
    expect(page.locator("#recent .pending")).to_have_count(0)
    assert not Spending.objects.exists()

    page.reload()  # still said: nothing typed disappears unread
    expect(refused).to_contain_text("Not saved: 3. That funnel is not one you can spend from.")
    refused.get_by_role("button", name="Dismiss").click()
    expect(refused).to_be_hidden()
    page.reload()
    worker_reported(page)  # the worker has told this page what it holds: nothing refused
    expect(refused).to_be_hidden()
    assert not Spending.objects.exists()
