"""MoneyField: exact money stored as integer minor units (cents) on every database."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models

CENT = Decimal("0.01")
MAX_INTEGER_DIGITS = 10
MAX_AMOUNT = Decimal("9999999999.99")

# The API's money grammar (docs/api.md), stated in its schema and enforced as written: at most
# 10 integer digits without leading zeros, then optionally "." or "," and 1-2 decimals. It is
# a subset of what to_money reads (no sign, spaces or thousands separators), so a client that
# follows the schema is never refused and one that does not is.
MONEY_PATTERN = r"^(0|[1-9][0-9]{0,9})([.,][0-9]{1,2})?$"
# The same, more than zero (a spending's or income's amount).
POSITIVE_MONEY_PATTERN = r"^([1-9][0-9]{0,9}([.,][0-9]{1,2})?|0[.,](0[1-9]|[1-9][0-9]?))$"


INVALID = "Enter the amount as a number like 12.50."
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def _grouped(text: str, separator: str) -> str | None:
    """'1,234,567' with ',' -> '1234567'; None unless groups are 1-3 digits then exactly 3."""
    groups = text.split(separator)
    first, rest = groups[0], groups[1:]
    if not (1 <= len(first) <= 3 and first.isdigit()):
        return None
    if not all(len(group) == 3 and group.isdigit() for group in rest):
        return None
    return "".join(groups)


def amount_text_normalized(text: str, *, typed: bool = True) -> str | None:
    """A typed amount as a plain '[-]digits[.digits]' string, or None when it is not one.

    The one place amounts are read (docs/rules.md §4; mirrored by parseCents in
    static/js/app.js, and a test feeds both the same table). Spaces group digits. With
    ``typed`` (what people type in a form): when both '.' and ',' occur the last one is the
    decimal separator and the other groups thousands ("1,234.50", "1.234,50"); a lone
    separator followed by exactly three digits groups thousands ("12,345"); any other lone
    separator is the decimal one ("12,5", ".5"). Without ``typed`` (the API's decimal
    strings) only a single '.' or ',' decimal separator is read.
    """
    text = _SPACES.sub("", text)
    sign = ""
    if text[:1] in ("+", "-"):
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    if not text or any(char not in "0123456789.," for char in text):
        return None
    separators = [char for char in text if char in ".,"]
    last = max(text.rfind("."), text.rfind(","))
    whole: str | None
    if not separators:
        whole, fraction = text, ""
    elif not typed:
        if len(separators) > 1:
            return None
        whole, fraction = text[:last], text[last + 1 :]
    elif len(set(separators)) == 2:
        decimal = text[last]
        group = "," if decimal == "." else "."
        if text.count(decimal) > 1:
            return None
        whole, fraction = _grouped(text[:last], group), text[last + 1 :]
    elif len(separators) > 1 or (last > 0 and len(text) - last - 1 == 3):
        whole, fraction = _grouped(text, separators[0]), ""
    else:
        whole, fraction = text[:last], text[last + 1 :]
    if whole is None or (not whole and not fraction):
        return None
    return sign + (whole or "0") + ("." + fraction if fraction else "")


def to_money(value: Any, *, typed: bool = False) -> Decimal:
    """Parse a user- or client-supplied amount into a Decimal with 2 places, or raise.

    Accepts a Decimal, int or string (see amount_text_normalized; ``typed`` for what people
    type in a form). Rejects floats (never exact), NaN, infinities, more than 2 decimals and
    more than 10 integer digits.
    """
    if isinstance(value, bool | float):
        raise ValidationError(INVALID, code="invalid")
    if isinstance(value, str):
        normalized = amount_text_normalized(value, typed=typed)
        if normalized is None:
            raise ValidationError(INVALID, code="invalid")
        value = normalized
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(INVALID, code="invalid") from None
    if not amount.is_finite():
        raise ValidationError(INVALID, code="invalid")
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError("The amount is too large (at most 9999999999.99).", code="max_value")
    if amount != amount.quantize(CENT):
        raise ValidationError("Use at most 2 decimal places.", code="max_decimal_places")
    return amount.quantize(CENT)


class MoneyField(models.BigIntegerField):
    """A Decimal amount with 2 places, kept as integer cents so sums are exact everywhere.

    SQLite stores DecimalField as REAL; integer cents make SUM() exact on SQLite and
    PostgreSQL alike, and aggregates come back through from_db_value as Decimal.
    """

    description = "Money amount (Decimal, stored as integer cents)"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None:
            return None
        return to_money(value)

    def get_prep_value(self, value: Any) -> int | None:
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        amount = to_money(value) if not isinstance(value, int) else Decimal(value)
        return int(amount * 100)

    def formfield(self, **kwargs: Any) -> forms.Field:
        defaults = {
            "form_class": forms.DecimalField,
            "max_digits": MAX_INTEGER_DIGITS + 2,
            "decimal_places": 2,
            "localize": False,
        }
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)

    @property
    def validators(self) -> list[Any]:
        # BigIntegerField's range validators speak in cents; money has its own bounds.
        return [validators.DecimalValidator(MAX_INTEGER_DIGITS + 2, 2), *self._validators]
