"""Fixed-window counters of failed sign-in attempts, per username and per client address.

The counters live in Django's cache, which is the database cache shared by every worker. A
window is a fixed slice of wall-clock time (LOGIN_THROTTLE_WINDOW seconds): once a username or
an address has LOGIN_THROTTLE_PER_USERNAME / LOGIN_THROTTLE_PER_ADDRESS failures in the current
window, sign-in for it answers 429 until the window ends, and never longer. That bounds what a
stranger who knows a username can do to its owner: at worst the owner waits out one window.
django-otp's own exponential lockout grows without a useful bound, so it is switched off
(OTP_TOTP_THROTTLE_FACTOR = 0) and this window is the only throttle.

The database cache's incr() is a read and a write: under SQLite's IMMEDIATE transactions the
atomic block below serializes them; on PostgreSQL a burst of parallel failures may be counted
short by the number of requests in flight, which the per-address limit still bounds.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest


@dataclass(frozen=True)
class Throttled:
    """Sign-in is refused for `retry_after` more seconds."""

    retry_after: int


def _now() -> float:
    """The clock of the windows (tests move it)."""
    return time.time()


def _window() -> int:
    return int(settings.LOGIN_THROTTLE_WINDOW)


def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
    index = int(_now() // _window())
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    keys = [(f"login-fail:user:{name}:{index}", int(settings.LOGIN_THROTTLE_PER_USERNAME))]
    if address is not None:
        keys.append(
            (f"login-fail:addr:{address}:{index}", int(settings.LOGIN_THROTTLE_PER_ADDRESS))
        )
    return keys


def _retry_after() -> int:
    window = _window()
    return max(1, math.ceil(window - (_now() % window)))


def client_address(request: HttpRequest) -> str:
    """The client's address as the server saw it (a proxy in front sets REMOTE_ADDR right)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def login_throttle_check(*, username: str, address: str | None) -> Throttled | None:
    """Whether sign-in for this username or from this address is over its limit.

    `address` None checks the username alone (codes typed by a signed-in user).
    """
    keys = _keys(username, address)
    counts = cache.get_many([key for key, _ in keys])
    if any(counts.get(key, 0) >= limit for key, limit in keys):
        return Throttled(retry_after=_retry_after())
    return None


def login_failure_record(*, username: str, address: str | None) -> None:
    """Count one failed sign-in against the username and the address."""
    timeout = _window() + 5
    with transaction.atomic():
        for key, _ in _keys(username, address):
            if not cache.add(key, 1, timeout=timeout):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.add(key, 1, timeout=timeout)


def _registration_key(address: str) -> str:
    return f"register:addr:{address}:{int(_now() // _window())}"


def registration_throttle_check(*, address: str) -> Throttled | None:
    """Whether this address started too many registrations in the current window."""
    count = cache.get(_registration_key(address), 0)
    if count >= int(settings.REGISTRATION_THROTTLE_PER_ADDRESS):
        return Throttled(retry_after=_retry_after())
    return None


def registration_record(*, address: str) -> None:
    """Count one registration started from this address."""
    key, timeout = _registration_key(address), _window() + 5
    with transaction.atomic():
        if not cache.add(key, 1, timeout=timeout):
            try:
                cache.incr(key)
            except ValueError:
                cache.add(key, 1, timeout=timeout)
