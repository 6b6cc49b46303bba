"""Template filters for money (exact Decimal, never float)."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

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


@register.filter
def cents(value: Decimal | None) -> int:
    """12.50 -> 1250: integer minor units for the browser's preview arithmetic."""
    if value is None:
        return 0
    return int(Decimal(value).quantize(Decimal("0.01")) * 100)


@register.filter
def plain(value: Decimal | None) -> str:
    """12.5 -> '12.50': the amount as typed back into a form field."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01')):f}"


@register.filter
def share_of(part: Decimal | None, whole: Decimal | None) -> str:
    """`part` as a percentage of `whole`, clamped to 0..100, for drawing a bar."""
    if not part or not whole or whole <= 0 or part <= 0:
        return "0"
    ratio = min(Decimal(part) / Decimal(whole), Decimal(1)) * 100
    return str(ratio.quantize(Decimal("0.1"), rounding=ROUND_FLOOR))
