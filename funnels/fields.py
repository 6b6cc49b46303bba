"""MoneyField: exact money stored as integer minor units (cents) on every database."""

from __future__ import annotations

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


def to_money(value: Any) -> Decimal:
    """Parse a user- or client-supplied amount into a Decimal with 2 places, or raise.

    Accepts a Decimal, int or string with a dot or a comma as the decimal separator.
    Rejects floats (never exact), NaN, infinities, more than 2 decimals and more than
    10 integer digits.
    """
    if isinstance(value, bool | float):
        raise ValidationError("Enter the amount as a number like 12.50.", code="invalid")
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        value = text
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError("Enter the amount as a number like 12.50.", code="invalid") from None
    if not amount.is_finite():
        raise ValidationError("Enter the amount as a number like 12.50.", code="invalid")
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
