"""The same code or refresh token arriving on 8 requests at once: exactly one succeeds.

These run real threads against the real database (transaction=True, so every thread sees the
committed rows): PostgreSQL with DATABASE_URL, SQLite by default. The SQLite test database is
in memory, where a second writer fails at once with "database table is locked" instead of
waiting; so on SQLite the threads use a database file (WAL, IMMEDIATE transactions and a busy
timeout, as in production), migrated for the test.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.services import recovery_codes_reset
from accounts.tests.factories import UserFactory, totp_code, totp_device

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def _race(request: Callable[[], int]) -> Counter[int]:
    """Run `request` on THREADS threads released at the same moment; count the statuses."""
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            statuses.append(request())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return Counter(statuses)


def _in_thread[T](work: Callable[[], T]) -> T:
    """Run `work` on a fresh thread (so on a fresh database connection) and return its result."""
    result: list[T] = []

    def run() -> None:
        try:
            result.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert result, "the setup thread failed"
    return result[0]


@pytest.fixture
def on_real_database(tmp_path):
    """Threads open connections to a database where concurrent writers wait for each other."""
    if connection.vendor != "sqlite":
        yield _in_thread
        return
    default = connections.settings["default"]
    memory_name = default["NAME"]
    default["NAME"] = str(tmp_path / "race.sqlite3")
    try:

        def migrate() -> bool:
            call_command("migrate", verbosity=0, interactive=False)
            call_command("createcachetable", verbosity=0)
            return True

        _in_thread(migrate)
        yield _in_thread
    finally:
        default["NAME"] = memory_name


@pytest.fixture(autouse=True)
def _no_throttle(settings) -> None:
    """These tests are about replay; the failures they cause must not trip the throttle."""
    settings.LOGIN_THROTTLE_PER_USERNAME = 100
    settings.LOGIN_THROTTLE_PER_ADDRESS = 100


@pytest.fixture
def owner(on_real_database) -> User:
    def make() -> User:
        cache.clear()  # the cache table outlives transaction=True tests: no failures counted
        # An owner of a household of their own (sign-in needs no funnels).
        return UserFactory(username="alice", role=Role.OWNER)

    return on_real_database(make)


def _logins_at_once(code: str) -> Counter[int]:
    """The statuses of THREADS API sign-ins of alice with the same code, all at once."""

    def login() -> int:
        body = {"username": "alice", "code": code}
        return APIClient().post("/api/v1/auth/login/", body, format="json").status_code

    return _race(login)


def test_the_same_totp_code_on_8_concurrent_logins_signs_in_once(owner, on_real_database):
    device = on_real_database(lambda: totp_device(owner))
    statuses = _logins_at_once(totp_code(device))
    assert statuses == Counter({200: 1, 401: THREADS - 1})


def test_the_same_recovery_code_on_8_concurrent_logins_signs_in_once(owner, on_real_database):
    code = on_real_database(lambda: recovery_codes_reset(user=owner))[0]
    statuses = _logins_at_once(code)
    assert statuses == Counter({200: 1, 401: THREADS - 1})


def test_the_same_refresh_token_on_8_concurrent_refreshes_rotates_once(owner, on_real_database):
    device = on_real_database(lambda: totp_device(owner))

    def login() -> str:
        body = {"username": "alice", "code": totp_code(device)}
        return APIClient().post("/api/v1/auth/login/", body, format="json").json()["refresh"]

    refresh = on_real_database(login)

    def rotate() -> int:
        body = {"refresh": refresh}
        return APIClient().post("/api/v1/auth/refresh/", body, format="json").status_code

    statuses = _race(rotate)
    assert statuses == Counter({200: 1, 401: THREADS - 1})


def test_the_same_first_code_on_8_concurrent_confirms_registers_once(on_real_database):
    from accounts.services import registration_start

    def start():
        cache.clear()
        return registration_start(username="newbie")

    enrolment = on_real_database(start)
    code = totp_code(enrolment.device)

    def confirm() -> int:
        body = {"username": "newbie", "code": code}
        return APIClient().post("/api/v1/auth/register/confirm/", body, format="json").status_code

    statuses = _race(confirm)
    assert statuses == Counter({201: 1, 400: THREADS - 1})
    households = on_real_database(lambda: User.objects.get(username="newbie").household_id)
    assert households is not None


def test_8_concurrent_guesses_get_exactly_the_limit_of_attempts(owner, on_real_database, settings):
    """The attempt counter is atomic: a burst cannot pass the check before any failure counts."""
    settings.LOGIN_THROTTLE_PER_USERNAME = 3
    on_real_database(lambda: totp_device(owner))

    def guess() -> int:
        body = {"username": "alice", "code": "000000x"}
        return APIClient().post("/api/v1/auth/login/", body, format="json").status_code

    statuses = _race(guess)
    assert statuses == Counter({401: 3, 429: THREADS - 3})
