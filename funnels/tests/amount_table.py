"""One table of typed amounts (docs/rules.md §4): the server's to_money(typed=True) and the page
script's parseCents are both held to it, so the preview never disagrees with what is saved."""

from __future__ import annotations

# (what was typed, cents it means or None when it is refused)
AMOUNT_TABLE: list[tuple[str, int | None]] = [
    ("12", 1200),
    ("12,5", 1250),
    ("12.50", 1250),
    (" 1 234,56 ", 123456),
    ("1\u00a0234,56", 123456),
    ("1,234.50", 123450),
    ("1 234,50", 123450),
    ("1.234,50", 123450),
    ("12,345", 1234500),
    ("12.345", 1234500),
    ("1.234", 123400),
    ("1,234,567.89", 123456789),
    ("1.234.567", 123456700),
    ("12,345.67", 1234567),
    (".5", 50),
    (",5", 50),
    ("5.", 500),
    ("+7", 700),
    ("0", 0),
    ("-5", -500),
    ("1.2300", 123),
    ("9999999999.99", 999999999999),
    ("9,999,999,999.99", 999999999999),
    ("10000000000", None),
    ("12.3456", None),
    ("1.2345", None),
    ("1,2,3", None),
    ("1.2.3", None),
    ("1.000,50.5", None),
    ("12,34.5", None),
    ("1,2345.6", None),
    (",345", None),
    ("abc", None),
    ("1e3", None),
    ("NaN", None),
    ("Infinity", None),
    ("", None),
    (",", None),
    (".", None),
    ("+", None),
    ("--5", None),
    ("12 €", None),
]

# Amounts the API refuses in a spending's, plan's or income's body (a 400 naming "amount"): not
# more than zero, a float, not a number, more than 2 places, more than 10 digits before them.
BAD_API_AMOUNTS: list[object] = ["0", "-1", "-5", 12.5, "NaN", "1.001", "1.234", "12345678901",
                                 "99999999999"]  # fmt: skip
