"""Shared fixtures: an owner, a member of the same household, a stranger, API clients."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import UserFactory
from accounts.tokens import token_pair_for
from households.services import household_create, household_join

# Property tests judge results, never speed: no deadline, no "too slow" health check (a loaded
# CI machine must not fail a correct test).
hypothesis_settings.register_profile(
    "funnels", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("funnels")


@pytest.fixture(scope="session", autouse=True)
def _moved_clock() -> Iterator[None]:
    """With FUNNELS_TEST_NOW set (an ISO time, e.g. 2028-02-29T22:30:00+00:00), the whole suite runs
    with the clock moved there and ticking: CI runs the suite again that way, so a test that only
    passes on some days fails there (the live server of the browser tests shares this clock)."""
    moment = os.environ.get("FUNNELS_TEST_NOW")
    if not moment:
        yield
        return
    with time_machine.travel(datetime.fromisoformat(moment), tick=True):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> None:
    """Each database test starts with an empty cache: throttle counters must not leak between
    tests (the cache is a table that is not a model, so the test flush keeps its rows)."""
    if "django_db_setup" not in request.fixturenames:
        return
    request.getfixturevalue("django_db_setup")  # the test database exists before we touch it
    with request.getfixturevalue("django_db_blocker").unblock():
        cache.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    """Test-only setting overrides, in one place."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.DEFAULT_FUNNEL_LIMIT = Decimal("2000.00")


@pytest.fixture
def make_member(db) -> Callable[..., User]:
    """Create a user who founds a household, or joins `household`, with default funnels."""

    def make(username: str | None = None, household=None, **kwargs) -> User:
        user = UserFactory(household=None, **({"username": username} if username else {}), **kwargs)
        if household is None:
            household_create(owner=user, name=f"{user.username}'s home")
        else:
            household_join(user=user, household=household)
        return user

    return make


@pytest.fixture
def user(make_member) -> User:
    """The owner of a household, with the default funnels."""
    return make_member("alice")


@pytest.fixture
def member(make_member, user) -> User:
    """A second member of `user`'s household."""
    return make_member("bob", household=user.household)


@pytest.fixture
def stranger(make_member) -> User:
    """Someone from another household."""
    return make_member("mallory")


@pytest.fixture
def alice(client, user) -> User:
    """`user`, signed in on the test `client` (a browser session, as the pages see it)."""
    client.force_login(user)
    return user


@pytest.fixture
def staff(user) -> User:
    """`user` (the owner of alice's household) made staff, not superuser, with every permission."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_client_for(db) -> Callable[[User], APIClient]:
    """An API client signed in as `user` with a real JWT access token."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair_for(user)['access']}")
        return client

    return make


@pytest.fixture
def admin_client_for(db) -> Callable[[User], Client]:
    """A client signed in to the admin as `user` (staff) through the TOTP sign-in, as staff are."""

    def make(user: User) -> Client:
        client = Client()
        device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
            user=user, name="Authenticator", confirmed=True
        )
        form = {"username": user.username, "code": f"{totp(device.bin_key):06d}", "next": "/admin/"}
        response = client.post("/login/", form)
        assert response["Location"] == "/admin/"
        return client

    return make
