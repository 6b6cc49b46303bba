"""The PDF export and `GET /api/v1/export/` (docs/rules.md §9.1)."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from transfers.pdf import BASE_URL, StaticOnlyFetcher
from transfers.tests.helpers import at, earn, spend

pytestmark = pytest.mark.django_db

WORLD = ("Crème brûlée à Zürich", "שלום עולם", "مرحبا", "北京烤鸭", "🍕")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_renders_accents_rtl_cjk_and_emoji_in_its_text_layer(client, alice):
    for index, note in enumerate(WORLD):
        spend(alice, f"{index + 1}.25", at(3, 2 + index), note=note)
    earn(alice, "1500.00", at(3, 1))
    response = client.get("/export/pdf/?range=all")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert alice.household.name in text
    for word in ("Crème brûlée", "Zürich", "北京烤鸭", "🍕"):
        assert word in text
    # Right-to-left runs come out of the text layer in visual or logical order, whole.
    assert "שלום" in text or "םולש" in text
    assert "مرحبا" in text or "ابحرم" in text
    assert "1500.00" in text
    assert "5.25" in text
    assert "Page 1 of 1" in text


def test_a_long_range_pdf_holds_the_first_rows_and_says_the_csv_has_all(client, alice, monkeypatch):
    monkeypatch.setattr("transfers.views.PDF_ROW_LIMIT", 3)
    for day in range(1, 6):
        spend(alice, f"{day}.00", at(3, day), note=f"note-{day}")
    text = pdf_text(client.get("/export/pdf/?range=all").content)
    assert [f"note-{day}" in text for day in range(1, 6)] == [True, True, True, False, False]
    assert "The PDF shows the first 3 rows; the CSV has all 5." in " ".join(text.split())


def test_the_pdf_fetches_only_the_apps_static_files():
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch(f"{BASE_URL}static/css/export-pdf.css")
    assert b"@page" in css.read()
    for url in (
        "http://evil.example/track.png",
        "file:///etc/passwd",
        f"{BASE_URL}static/../../etc/passwd",
        f"{BASE_URL}static/nope.css",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_note_with_a_remote_image_does_not_reach_out(client, alice):
    spend(alice, "1.00", at(3, 2), note='<img src="http://127.0.0.1:9/x.png">')
    response = client.get("/export/pdf/?range=all")
    assert response.status_code == 200
    # The note is text in the PDF, not an image the renderer went to fetch (the column may wrap
    # it anywhere, depending on the length of the member's name).
    assert "127.0.0.1:9/x.png" in "".join(pdf_text(response.content).split())


def test_api_export_csv_with_dates_and_type(api_client_for, user, member):
    spend(user, "4.20", at(3, 2), note="=cmd")
    earn(user, "10.00", at(3, 3))
    spend(user, "9.99", at(4, 2))
    response = api_client_for(user).get(
        "/api/v1/export/?format=csv&since=2026-03-01&until=2026-03-31&type=spending"
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert [(r["amount"], r["note"]) for r in rows] == [("4.20", "'=cmd")]


def test_api_export_pdf(api_client_for, user):
    spend(user, "4.20", at(3, 2), note="北京")
    response = api_client_for(user).get("/api/v1/export/?format=pdf")
    assert response.status_code == 200
    assert "北京" in pdf_text(response.content)


def test_api_export_is_isolated(api_client_for, user, stranger):
    spend(stranger, "66.60", at(3, 2))
    response = api_client_for(user).get("/api/v1/export/")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "66.60" not in body
    assert body.startswith("date,type")


@pytest.mark.parametrize(
    "query",
    ["format=xls", "since=2026-13-01", "since=", "until=soon", "type=both",
     "since=2026-03-02&until=2026-03-01", "since=1999-12-31"],
)  # fmt: skip
def test_api_export_bad_parameters_answer_400_json(api_client_for, user, query):
    response = api_client_for(user).get(f"/api/v1/export/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()


def test_api_export_needs_a_token(api_client):
    assert api_client.get("/api/v1/export/").status_code == 401
