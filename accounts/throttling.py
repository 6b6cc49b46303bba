"""Fixed-window counters of sign-in attempts, per username and per client address.

The counters live in Django's cache, which is the database cache shared by every worker. A
window is a fixed slice of wall-clock time (LOGIN_THROTTLE_WINDOW seconds): once a username or
an address has used LOGIN_THROTTLE_PER_USERNAME / LOGIN_THROTTLE_PER_ADDRESS attempts in the
current window, sign-in for it answers 429 until the window ends, and never longer. That
bounds what a stranger who knows a username can do to its owner: at worst the owner waits out
one window. django-otp's own exponential lockout grows without a useful bound, so it is
switched off (OTP_TOTP_THROTTLE_FACTOR = 0) and this window is the only throttle.

An attempt is counted before its code is checked (so a burst of parallel guesses cannot all
pass a check made before any of them failed) and uncounted when the code was right: the limit
is on failures. Each count is a read and a write of the cache made atomic: under SQLite's
IMMEDIATE transactions the transaction serializes them, on PostgreSQL a transaction-level
advisory lock on the key does.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
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
    """The client's address: REMOTE_ADDR, or behind NUM_PROXIES trusted proxies the address
    the outermost of them saw (X-Forwarded-For read from the right, so a client cannot forge it).
    """
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR") or "unknown"


def _counted(key: str, delta: int) -> int:
    """Add `delta` to a counter of the current window, atomically across workers."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        value = max(0, int(cache.get(key, 0)) + delta)
        cache.set(key, value, timeout=_window() + 5)
    return value


def login_attempt_start(*, username: str, address: str | None) -> Throttled | None:
    """Count a sign-in attempt; a Throttled if the username or address is over its limit.

    `address` None counts against the username alone (codes typed by a signed-in user). Call
    it outside any transaction, before checking the code; call login_attempt_succeeded when
    the code was right.
    """
    over = [_counted(key, 1) > limit for key, limit in _keys(username, address)]
    return Throttled(retry_after=_retry_after()) if any(over) else None


def login_attempt_succeeded(*, username: str, address: str | None) -> None:
    """Uncount an attempt whose code was right: only failures use up the limit."""
    for key, _ in _keys(username, address):
        _counted(key, -1)


def _registration_key(address: str) -> str:
    return f"register:addr:{address}:{int(_now() // _window())}"


def registration_throttle_check(*, address: str) -> Throttled | None:
    """Whether this address started too many registrations in the current window."""
    if int(cache.get(_registration_key(address), 0)) >= int(
        settings.REGISTRATION_THROTTLE_PER_ADDRESS
    ):
        return Throttled(retry_after=_retry_after())
    return None


def registration_record(*, address: str) -> None:
    """Count one registration started from this address."""
    _counted(_registration_key(address), 1)
