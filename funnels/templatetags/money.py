"""Template filters for money (exact Decimal, never float)."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """12345.5 -> '12,345.50'; negative amounts keep a real minus sign."""
    if value is None:
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    text = f"{abs(amount):,.2f}"
    return f"−{text}" if amount < 0 else text
