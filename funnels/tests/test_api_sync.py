"""Offline phones: idempotent create on a client-supplied id, and sync with tombstones."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import token_pair_for
from funnels.models import Funnel, Spending, SpendingTombstone
from funnels.tests.factories import SpendingFactory

URL = "/api/v1/spendings/"
DELETED = "/api/v1/spendings/deleted/"


@pytest.fixture
def food(user):
    return Funnel.objects.get(owner=user, name="Food")


def body_for(funnel, /, **changes):
    return {
        "id": "6f1c2a52-8f2e-4c43-9a53-8b0a3c1d2e3f",
        "funnel": str(funnel.pk),
        "amount": "12.50",
        "spent_at": "2026-11-20T12:30:00Z",
        "note": "bread",
        **changes,
    }


@pytest.mark.django_db
def test_create_with_client_id_uses_it(api_client_for, user, food):
    response = api_client_for(user).post(URL, body_for(food), format="json")
    assert response.status_code == 201
    assert response.json()["id"] == "6f1c2a52-8f2e-4c43-9a53-8b0a3c1d2e3f"
    assert Spending.objects.get().pk == uuid.UUID("6f1c2a52-8f2e-4c43-9a53-8b0a3c1d2e3f")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "retry_changes",
    [{}, {"amount": "12,5"}, {"note": " bread "}, {"spent_at": "2026-11-20T13:30:00+01:00"}],
)
def test_repeating_the_same_create_returns_200_and_creates_nothing(
    api_client_for, user, food, retry_changes
):
    client = api_client_for(user)
    first = client.post(URL, body_for(food), format="json")
    assert first.status_code == 201
    retry = client.post(URL, body_for(food, **retry_changes), format="json")
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert Spending.objects.count() == 1


@pytest.mark.django_db
def test_a_retry_without_spent_at_matches_on_the_rest(api_client_for, user, food):
    client = api_client_for(user)
    body = body_for(food)
    del body["spent_at"]
    assert client.post(URL, body, format="json").status_code == 201
    assert client.post(URL, body, format="json").status_code == 200
    assert Spending.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"amount": "12.51"},
        {"note": "cake"},
        {"spent_at": "2026-11-20T12:31:00Z"},
        {"funnel": "misc"},
    ],
)
def test_same_id_with_another_body_is_409_and_changes_nothing(api_client_for, user, food, changes):
    client = api_client_for(user)
    assert client.post(URL, body_for(food), format="json").status_code == 201
    if changes.get("funnel") == "misc":
        changes = {"funnel": str(Funnel.objects.get(owner=user, name="Misc").pk)}
    response = client.post(URL, body_for(food, **changes), format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "A spending with this id already exists with other values; use a new id."
    }
    spending = Spending.objects.get()
    assert spending.amount == Decimal("12.50")
    assert spending.note == "bread"
    assert spending.funnel == food


@pytest.mark.django_db
def test_another_member_retrying_a_shared_spending_is_409(api_client_for, user, member):
    # bob can see alice's shared spending, but a repeat must come from the same data;
    # created_by is not part of the comparison, the body is.
    from funnels.tests.factories import FunnelFactory

    shared = FunnelFactory(household=user.household)
    assert api_client_for(user).post(URL, body_for(shared), format="json").status_code == 201
    response = api_client_for(member).post(URL, body_for(shared), format="json")
    assert response.status_code == 200
    assert response.json()["created_by"] == "alice"
    assert Spending.objects.count() == 1


@pytest.mark.django_db
def test_an_invalid_retry_is_400_not_409(api_client_for, user, food):
    client = api_client_for(user)
    assert client.post(URL, body_for(food), format="json").status_code == 201
    response = client.post(URL, body_for(food, amount="0"), format="json")
    assert response.status_code == 400
    assert "amount" in response.json()


@pytest.mark.django_db
def test_a_deleted_id_cannot_be_created_again(api_client_for, user, food):
    client = api_client_for(user)
    created = client.post(URL, body_for(food), format="json").json()
    assert client.delete(f"{URL}{created['id']}/").status_code == 204
    response = client.post(URL, body_for(food), format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "A spending with this id was deleted; use a new id."}
    assert not Spending.objects.exists()


@pytest.fixture
def threads_share_db(transactional_db, tmp_path):
    """A database that several threads can write at once, as in production.

    PostgreSQL needs nothing. SQLite's in-memory test database is shared through a shared
    cache whose table locks fail at once instead of waiting, so on SQLite the test runs on
    a file copy (WAL, IMMEDIATE transactions, busy timeout: the production setup).
    Yields a function that runs a query in a fresh connection of that database.
    """
    if connection.vendor != "sqlite":
        yield _in_fresh_connection
        return
    path = tmp_path / "threads.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    settings_dict = connections.settings["default"]
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield _in_fresh_connection
    finally:
        settings_dict["NAME"] = original


def _in_fresh_connection(query):
    """Run query() in another thread, so it uses a new connection, and return its result."""

    def run():
        try:
            return query()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _concurrent_posts(user, body, access, threads=8) -> list[int]:
    barrier = threading.Barrier(threads)

    def post(_: int) -> int:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
            barrier.wait(timeout=10)
            return client.post(URL, body, format="json").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(post, range(threads)))


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_exactly_one_row(user, threads_share_db):
    food = Funnel.objects.get(owner=user, name="Food")
    access = threads_share_db(lambda: token_pair_for(user)["access"])
    codes = _concurrent_posts(user, body_for(food), access)
    assert sorted(codes) == [200] * 7 + [201]
    assert threads_share_db(lambda: list(Spending.objects.values_list("id", flat=True))) == [
        uuid.UUID(body_for(food)["id"])
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_conflicting_creates_keep_one_and_refuse_the_rest(user, threads_share_db):
    food = Funnel.objects.get(owner=user, name="Food")
    access = threads_share_db(lambda: token_pair_for(user)["access"])
    barrier = threading.Barrier(8)

    def post(n: int) -> int:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
            barrier.wait(timeout=10)
            return client.post(URL, body_for(food, amount=f"{n + 1}.00"), format="json").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(post, range(8)))
    assert sorted(codes) == [201] + [409] * 7
    assert threads_share_db(Spending.objects.count) == 1


# --- sync -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_deleted_lists_tombstones_since_a_time(api_client_for, user, food):
    client = api_client_for(user)
    old = SpendingFactory(funnel=food, created_by=user)
    SpendingTombstone.objects.create(
        id=uuid.uuid4(),
        household=user.household,
        funnel_id=food.pk,
        deleted_at=datetime.now(UTC) - timedelta(days=60),
    )
    a_month_ago = (datetime.now(UTC) - timedelta(days=30)).isoformat().replace("+00:00", "Z")
    before = client.get(f"{DELETED}?since={a_month_ago}").json()["server_time"]
    client.delete(f"{URL}{old.pk}/")
    response = client.get(f"{DELETED}?since={before}")
    assert response.status_code == 200
    body = response.json()
    assert body["results"] == [
        {"id": str(old.pk), "funnel": str(food.pk), "deleted_at": body["results"][0]["deleted_at"]}
    ]
    # server_time lags a minute, so the next round sees this deletion again (harmless).
    assert body["server_time"] < body["results"][0]["deleted_at"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?since=", "?since=later", "?since=0001-01-01T00:00:00Z"])
def test_deleted_needs_a_valid_since(api_client_for, user, query):
    response = api_client_for(user).get(f"{DELETED}{query}")
    assert response.status_code == 400
    assert "since" in response.json()


@pytest.mark.django_db
def test_a_sync_round_sees_creates_updates_moves_and_deletes(api_client_for, user, food):
    """A phone syncs with updated_since and deleted/?since=, using server_time each time."""
    client = api_client_for(user)
    misc = Funnel.objects.get(owner=user, name="Misc")
    kept = SpendingFactory(funnel=food, created_by=user)
    changed = SpendingFactory(funnel=food, created_by=user)
    gone = SpendingFactory(funnel=food, created_by=user)
    moved = SpendingFactory(funnel=misc, created_by=user)
    first = client.get(URL).json()
    assert len(first["results"]) == 4
    since = first["server_time"]
    Spending.objects.filter(pk=kept.pk).update(updated_at=datetime(2026, 1, 1, tzinfo=UTC))

    client.patch(f"{URL}{changed.pk}/", {"note": "edited"}, format="json")
    client.delete(f"{URL}{gone.pk}/")
    client.delete(f"/api/v1/funnels/{misc.pk}/?move_to={food.pk}")
    created = client.post(URL, {"funnel": str(food.pk), "amount": "1"}, format="json").json()

    updates = client.get(f"{URL}?updated_since={since}").json()
    assert {s["id"] for s in updates["results"]} == {str(changed.pk), str(moved.pk), created["id"]}
    assert {s["funnel"] for s in updates["results"]} == {str(food.pk)}
    deletions = client.get(f"{DELETED}?since={since}").json()
    assert [t["id"] for t in deletions["results"]] == [str(gone.pk)]

    # The next round repeats what changed within the last minute (the safety margin)...
    again = client.get(f"{URL}?updated_since={updates['server_time']}").json()
    assert {s["id"] for s in again["results"]} == {s["id"] for s in updates["results"]}
    # ...and nothing older than that.
    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    Spending.objects.update(updated_at=two_minutes_ago)
    SpendingTombstone.objects.update(deleted_at=two_minutes_ago)
    assert client.get(f"{URL}?updated_since={again['server_time']}").json()["results"] == []
    assert client.get(f"{DELETED}?since={deletions['server_time']}").json()["results"] == []


@pytest.mark.django_db
def test_undo_by_recreating_the_same_id_in_the_service_clears_the_tombstone(user, food):
    from funnels import services

    spending = SpendingFactory(funnel=food, created_by=user)
    spending_id = spending.pk
    services.spending_delete(user=user, spending=spending)
    assert SpendingTombstone.objects.filter(pk=spending_id).exists()
    services.spending_create(user=user, funnel=food, amount="10.00", spending_id=spending_id)
    assert not SpendingTombstone.objects.filter(pk=spending_id).exists()
    services.spending_delete(user=user, spending=Spending.objects.get(pk=spending_id))
    assert SpendingTombstone.objects.filter(pk=spending_id).count() == 1


@pytest.mark.django_db
def test_a_spending_moved_into_a_personal_funnel_is_deleted_for_the_others(
    api_client_for, user, member, food
):
    from funnels.tests.factories import FunnelFactory

    shared = FunnelFactory(household=user.household)
    spending = SpendingFactory(funnel=shared, created_by=member)
    since = (
        api_client_for(member)
        .get(f"{DELETED}?since={datetime.now(UTC).isoformat()[:19]}Z")
        .json()["server_time"]
    )

    response = api_client_for(user).patch(
        f"{URL}{spending.pk}/", {"funnel": str(food.pk)}, format="json"
    )
    assert response.status_code == 200

    bobs_view = api_client_for(member).get(f"{DELETED}?since={since}").json()["results"]
    assert [t["id"] for t in bobs_view] == [str(spending.pk)]
    # alice still sees it: for her it is an update, not a deletion.
    assert api_client_for(user).get(f"{DELETED}?since={since}").json()["results"] == []
    alices_updates = api_client_for(user).get(f"{URL}?updated_since={since}").json()["results"]
    assert [s["id"] for s in alices_updates] == [str(spending.pk)]

    # Back into the shared funnel: bob gets it as an update, and it is not deleted for him.
    api_client_for(user).patch(f"{URL}{spending.pk}/", {"funnel": str(shared.pk)}, format="json")
    bobs_updates = api_client_for(member).get(f"{URL}?updated_since={since}").json()["results"]
    assert [s["id"] for s in bobs_updates] == [str(spending.pk)]
    assert api_client_for(member).get(f"{DELETED}?since={since}").json()["results"] == []

    # And deleting it later still works (the old tombstone is replaced).
    assert api_client_for(user).delete(f"{URL}{spending.pk}/").status_code == 204
    bobs_view = api_client_for(member).get(f"{DELETED}?since={since}").json()["results"]
    assert [t["id"] for t in bobs_view] == [str(spending.pk)]


def test_admin_deletions_leave_tombstones(user):
    from funnels.models import Spending, SpendingTombstone
    from funnels.tests.factories import FunnelFactory, SpendingFactory

    funnel = FunnelFactory(household=user.household)
    one, two = SpendingFactory.create_batch(2, funnel=funnel, created_by=user)
    from django.contrib.admin.sites import site

    model_admin = site._registry[Spending]
    model_admin.delete_queryset(None, Spending.objects.filter(pk=one.pk))
    assert set(SpendingTombstone.objects.values_list("pk", flat=True)) == {one.pk}
    site._registry[type(funnel)].delete_model(None, funnel)
    assert set(SpendingTombstone.objects.values_list("pk", flat=True)) == {one.pk, two.pk}
    assert not Spending.objects.filter(pk=two.pk).exists()


def test_deletions_older_than_the_retention_are_gone(user, api_client_for):
    from datetime import timedelta

    from django.utils import timezone

    from funnels.models import SpendingTombstone
    from funnels.services import spending_delete, tombstones_flush
    from funnels.tests.factories import FunnelFactory, SpendingFactory

    funnel = FunnelFactory(household=user.household)
    old, recent = SpendingFactory.create_batch(2, funnel=funnel, created_by=user)
    spending_delete(user=user, spending=old)
    spending_delete(user=user, spending=recent)
    SpendingTombstone.objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - timedelta(days=91)
    )
    assert tombstones_flush() == 1
    assert list(SpendingTombstone.objects.values_list("pk", flat=True)) == [recent.pk]

    client = api_client_for(user)
    too_old = (timezone.now() - timedelta(days=91)).isoformat()
    response = client.get("/api/v1/spendings/deleted/", {"since": too_old})
    assert response.status_code == 410
    assert "from scratch" in response.json()["detail"]
