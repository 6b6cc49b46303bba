"""Typed readers for settings taken from the environment; a bad value fails loudly."""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "on"}
_FALSE = {"false", "0", "off"}


def env_str(name: str, default: str) -> str:
    """Return the variable as a string, or the default when unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    """Return true/false/1/0/on/off as a bool; anything else is a configuration error."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/on/off, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return the variable as an integer (optionally bounded below)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_decimal(name: str, default: Decimal) -> Decimal:
    """Return a non-negative amount with at most 2 decimal places."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be an amount like 2000.00, not {raw!r}.") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ImproperlyConfigured(f"{name} must be an amount ≥ 0 with 2 decimals, not {raw!r}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list, empty items dropped."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
