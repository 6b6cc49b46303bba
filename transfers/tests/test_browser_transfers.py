"""Export, import and backup pages in a real Chromium (frozen clock), at phone and desktop width:
the preview that updates in place, the CSV download, an import from upload to confirm, and the
backup download, each page with axe and without sideways scrolling.

Every test fails on any console error or CSP violation (the `console` fixture).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from funnels.models import Funnel, Income, Spending
from funnels.tests.conftest import ARTIFACTS
from funnels.tests.factories import SpendingFactory
from funnels.tests.test_browser_reports import DESKTOP, serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def frozen_moment() -> datetime:
    """Day 22 of November, a year ahead (cookies the live server sets stay valid in Chromium)."""
    return datetime(timezone.now().year + 1, 11, 22, 12, tzinfo=UTC)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.evaluate(
        "document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_export_preview_updates_in_place_and_the_csv_downloads(
    signed_in_page, user, time_machine, viewport
):
    moment = frozen_moment()
    time_machine.move_to(moment, tick=True)
    food = Funnel.objects.get(owner=user, name="Food")
    SpendingFactory(funnel=food, created_by=user, amount=Decimal("12.34"), spent_at=moment,
                    note='=HYPERLINK("http://evil.example","x")')  # fmt: skip
    SpendingFactory(funnel=food, created_by=user, amount=Decimal("56.78"),
                    spent_at=moment - timedelta(days=40), note="last period")  # fmt: skip
    Income.objects.create(household=user.household, received_by=user, amount=Decimal("900.00"),
                          received_at=moment, source="Salary")  # fmt: skip
    page = signed_in_page(user, accept_downloads=True)
    if viewport == "desktop":
        page.set_viewport_size(DESKTOP)
    page.goto("/export/")
    expect(page.locator("h1")).to_have_text("Export")
    preview = page.locator("#export-preview")
    expect(preview).to_contain_text("12.34")
    expect(preview).to_contain_text("900.00")
    assert "56.78" not in preview.inner_text()
    assert fits_the_screen(page)
    assert serious_axe_violations(page) == []

    page.evaluate("window.__samePage = true")
    page.get_by_label("Show").select_option("spending")
    page.get_by_label("Range").select_option("all")
    expect(preview).to_contain_text("56.78")
    expect(preview).not_to_contain_text("900.00")
    assert page.evaluate("window.__samePage") is True
    assert "range=all" in page.url

    with page.expect_download() as download:
        preview.get_by_role("link", name="Download CSV").click()
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [(r["type"], r["amount"], r["note"]) for r in rows] == [
        ("spending", "56.78", "last period"),
        ("spending", "12.34", '\'=HYPERLINK("http://evil.example","x")'),
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"export-{viewport}.png"), full_page=True)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_import_from_upload_to_confirm(signed_in_page, user, time_machine, viewport):
    time_machine.move_to(frozen_moment(), tick=True)
    food = Funnel.objects.get(owner=user, name="Food")
    page = signed_in_page(user)
    if viewport == "desktop":
        page.set_viewport_size(DESKTOP)
    page.goto("/import/")
    expect(page.locator("h1")).to_have_text("Import from your bank")
    assert fits_the_screen(page)
    assert serious_axe_violations(page) == []
    page.get_by_label("Bank file").set_input_files(str(SAMPLES / "bank-simple.csv"))
    page.get_by_role("button", name="Preview").click()

    expect(page.locator("h1")).to_have_text("Import preview")
    expect(page.locator("table.import-preview")).to_contain_text("Coffee shop")
    assert fits_the_screen(page)
    assert serious_axe_violations(page) == []
    page.get_by_label("Line 2 goes to").select_option(str(food.pk))
    page.get_by_role("button", name="Confirm import").click()

    expect(page.locator("h1")).to_have_text("History")
    expect(page.get_by_text("Imported 2 entries; 0 skipped.")).to_be_visible()
    assert [(s.funnel_id, s.amount) for s in Spending.objects.all()] == [(food.pk, Decimal("3.20"))]
    assert [i.amount for i in Income.objects.all()] == [Decimal("15.00")]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"import-done-{viewport}.png"), full_page=True)


def test_backup_page_downloads_the_household(signed_in_page, user, time_machine):
    time_machine.move_to(frozen_moment(), tick=True)
    SpendingFactory(funnel=Funnel.objects.get(owner=user, name="Food"), created_by=user,
                    amount=Decimal("7.70"), spent_at=timezone.now())  # fmt: skip
    page = signed_in_page(user, accept_downloads=True)
    page.goto("/household/backup/")
    expect(page.locator("h1")).to_have_text("Household backup")
    assert fits_the_screen(page)
    assert serious_axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the backup").click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("funnels-household", 1)
    assert [s["amount"] for s in document["spendings"]] == ["7.70"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "backup-phone.png"), full_page=True)


def test_typing_a_note_outlines_the_likely_funnels_button(signed_in_page, user, time_machine):
    moment = frozen_moment()
    time_machine.move_to(moment, tick=True)
    misc = Funnel.objects.get(owner=user, name="Misc")
    for days in (1, 2):
        SpendingFactory(funnel=misc, created_by=user, amount=Decimal("2.40"),
                        spent_at=moment - timedelta(days=days), note="Bus ticket")  # fmt: skip
    page = signed_in_page(user)
    page.goto("/")
    button = page.get_by_role("button", name="Spend from Misc")
    page.get_by_text("Add a note or another date").click()
    page.locator("#note").fill("bus to work")
    expect(button).to_have_class(re.compile(r"\bsuggested\b"))
    assert page.locator("button.suggested").count() == 1
    page.locator("#note").fill("business lunch")  # "bus" is a word, not a prefix
    expect(page.locator("button.suggested")).to_have_count(0)
