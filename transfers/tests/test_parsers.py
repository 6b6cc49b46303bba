"""Bank file parsers (docs/rules.md §9.3) on the sample files of docs/samples/ and bad files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from transfers import parsers

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def parse(name: str, **options) -> tuple[list[parsers.ParsedRow], parsers.CsvOptions]:
    chosen = parsers.CsvOptions(**options)
    raw = (SAMPLES / name).read_bytes()
    return parsers.parse_file(raw=raw, filename=name, options=chosen, encoding="utf-8"), chosen


def test_a_german_csv_is_detected_whole():
    rows, options = parse("bank-de.csv")
    assert options.detected == {
        "delimiter": "semicolon", "date_format": "%d.%m.%Y", "decimal": ",",
        "date_column": "Buchungstag", "amount_column": "Betrag",
        "description_column": "Verwendungszweck",
    }  # fmt: skip
    assert [(r.day, r.amount, r.kind) for r in rows[:3]] == [
        (date(2026, 3, 3), Decimal("4.80"), "spending"),
        (date(2026, 3, 4), Decimal("49.00"), "spending"),
        (date(2026, 3, 5), Decimal("2450.00"), "income"),
    ]
    assert rows[1].description == "Bus ticket; monthly"


def test_chosen_options_win_over_detection():
    rows, _ = parse(
        "bank-simple.csv", delimiter="comma", date_format="%Y-%m-%d", decimal=".",
        date_column="1", description_column="2", amount_column="Amount",
    )  # fmt: skip
    assert [(r.description, r.amount, r.kind) for r in rows] == [
        ("Coffee shop", Decimal("3.20"), "spending"),
        ("Refund", Decimal("15.00"), "income"),
    ]


def test_a_sign_column_decides_the_type():
    text = "date,text,amount,dc\n2026-03-01,Rent,900.00,D\n2026-03-02,Pay,100.00,C\n"
    rows = parsers.parse_csv(text, parsers.CsvOptions(sign_column="dc"))
    assert [r.kind for r in rows] == ["spending", "income"]


def test_ofx_and_camt053_samples_keep_the_files_own_ids():
    ofx, _ = parse("statement.ofx")
    assert [(r.amount, r.kind, r.key) for r in ofx] == [
        (Decimal("12.50"), "spending", "ofx:000111222:TX-0001"),
        (Decimal("1800.00"), "income", "ofx:000111222:TX-0002"),
        (Decimal("2.90"), "spending", "ofx:000111222:TX-0003"),
    ]
    camt, _ = parse("statement.camt053.xml")
    assert [(r.day, r.amount, r.kind, r.key) for r in camt] == [
        (date(2026, 3, 2), Decimal("7.40"), "spending", "camt:REF-A1"),
        (date(2026, 3, 3), Decimal("300.00"), "income", "camt:REF-A2"),
    ]
    assert "Café Olé" in camt[0].description


def test_two_identical_lines_in_one_file_are_two_rows_with_two_keys():
    rows, _ = parse("bank-de.csv")
    keys = parsers.row_keys(rows)
    assert rows[0].description == rows[3].description
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"date,amount,description\n", "no rows"),
        (b"date,amount,description\nyesterday,1.00,x\n", "date format"),
        (b"date,amount,description\n2026-03-01,lots,x\n", "not an amount"),
        (b"date,amount,description\n2026-03-01,NaN,x\n", "not an amount"),
        (b"date,amount,description\n2026-03-01,1.005,x\n", "not an amount"),
        (b"foo,bar\n1,2\n", "which column"),
        (b"date,amount,description\n2026-03-01\n", "columns"),
        ("date,amount,description\n2026-03-01,1.00,Bäcker\n".encode("cp1252"), "not UTF-8"),
        (b"OFXHEADER:100\n<OFX><garbage", "cannot be read"),
        (b"<OFX>\r\n", "no transactions"),  # found by the API fuzz: a 500 once
        (
            b"<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>",
            "no transactions",
        ),
        (b'<?xml version="1.0"?><Document xmlns="urn:x"></Document>', "not a CAMT.053"),
        (b'<?xml version="1.0"?><Document', "malformed"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Document/>', "DOCTYPE"),
    ],
)
def test_bad_files_get_a_clear_message(raw, message):
    with pytest.raises(parsers.ImportFileError, match=message):
        parsers.parse_file(
            raw=raw, filename="upload", options=parsers.CsvOptions(), encoding="utf-8"
        )


def test_another_encoding_can_be_chosen():
    raw = "date,amount,description\n2026-03-01,-1.00,Bäcker\n".encode("cp1252")
    rows = parsers.parse_file(
        raw=raw, filename="x.csv", options=parsers.CsvOptions(), encoding="cp1252"
    )
    assert rows[0].description == "Bäcker"
