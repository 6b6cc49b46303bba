"""API of income: record, list, change, delete, idempotent create, deletions feed, isolation."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from funnels import income as income_services
from funnels.models import Income, IncomeTombstone
from funnels.tests.amount_table import BAD_API_AMOUNTS

URL = "/api/v1/incomes/"
DELETED = "/api/v1/incomes/deleted/"
CLIENT_ID = "0d9a3c7e-4b1f-4f0e-8f5a-3c2b1a0e9d8c"


def body(**changes):
    return {
        "id": CLIENT_ID,
        "amount": "2500.00",
        "source": "Salary",
        "received_at": "2026-11-20T09:00:00Z",
        "note": "November",
        **changes,
    }


def record(user, **changes) -> Income:
    fields = {"amount": "100.00", "source": "Gift", "shared": True, **changes}
    return income_services.income_create(user=user, **fields)


@pytest.mark.django_db
def test_record_income_answers_201_with_its_fields(api_client_for, user):
    response = api_client_for(user).post(URL, body(), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["id"] == CLIENT_ID
    assert data["amount"] == "2500.00"
    assert data["source"] == "Salary"
    assert data["shared"] is True
    assert data["received_by"] == "alice"
    assert data["received_at"].startswith("2026-11-20T09:00:00")
    income = Income.objects.get()
    assert income.amount == Decimal("2500.00")
    assert income.household == user.household


@pytest.mark.django_db
def test_retrying_the_same_create_is_200_and_creates_nothing(api_client_for, user):
    client = api_client_for(user)
    first = client.post(URL, body(), format="json")
    retry = client.post(URL, body(amount="2500", source=" Salary "), format="json")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert Income.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [{"amount": "2500.01"}, {"source": "Bonus"}, {"note": "x"}, {"shared": False}],
)
def test_same_id_with_another_body_is_409_and_changes_nothing(api_client_for, user, changes):
    client = api_client_for(user)
    client.post(URL, body(), format="json")
    response = client.post(URL, body(**changes), format="json")
    assert response.status_code == 409
    assert "use a new id" in response.json()["detail"]
    income = Income.objects.get()
    assert (income.amount, income.source, income.note, income.shared) == (
        Decimal("2500.00"), "Salary", "November", True,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_stranger_reusing_an_id_gets_409_without_content(api_client_for, user, stranger):
    api_client_for(user).post(URL, body(), format="json")
    response = api_client_for(stranger).post(URL, body(), format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "This id is already taken; use a new id."}


@pytest.mark.django_db
def test_a_deleted_id_cannot_be_created_again(api_client_for, user):
    client = api_client_for(user)
    client.post(URL, body(), format="json")
    assert client.delete(f"{URL}{CLIENT_ID}/").status_code == 204
    response = client.post(URL, body(), format="json")
    assert response.status_code == 409
    assert not Income.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        *[({"amount": amount}, "amount") for amount in BAD_API_AMOUNTS],
        ({"source": ""}, "source"),
        ({"source": "   "}, "source"),
        ({"source": "x" * 61}, "source"),
        ({"note": "x" * 201}, "note"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": "1999-12-31T10:00:00Z"}, "received_at"),
        ({"shared": "maybe"}, "shared"),
        ({"id": "not-a-uuid"}, "id"),
    ],
)
def test_bad_input_is_400_with_the_field_and_saves_nothing(api_client_for, user, changes, field):
    response = api_client_for(user).post(URL, body(**changes), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Income.objects.exists()


@pytest.mark.django_db
def test_missing_source_and_amount_are_named(api_client_for, user):
    response = api_client_for(user).post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"amount", "source"}


@pytest.mark.django_db
def test_list_is_newest_first_and_filters_by_local_dates(api_client_for, user):
    user.household.timezone = "Europe/Berlin"
    user.household.save()
    when = timezone.datetime(2026, 11, 20, 23, 30, tzinfo=user.household.tzinfo)
    late = record(user, source="Late", received_at=when)
    early = record(user, source="Early", received_at=when - timedelta(days=2))
    client = api_client_for(user)
    data = client.get(URL).json()
    assert [row["id"] for row in data["results"]] == [str(late.pk), str(early.pk)]
    assert "server_time" in data
    only_20th = client.get(URL, {"since": "2026-11-20", "until": "2026-11-20"}).json()
    assert [row["source"] for row in only_20th["results"]] == ["Late"]
    bad = client.get(URL, {"since": "2026-11-21", "until": "2026-11-20"})
    assert bad.status_code == 400
    assert "until" in bad.json()


@pytest.mark.django_db
def test_patch_changes_fields_and_bumps_updated_at(api_client_for, user):
    income = record(user)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        response = api_client_for(user).patch(
            f"{URL}{income.pk}/", {"amount": "120.50", "source": "Gift from gran"}, format="json"
        )
    assert response.status_code == 200
    assert response.json()["amount"] == "120.50"
    income.refresh_from_db()
    assert (income.amount, income.source, income.shared) == (
        Decimal("120.50"), "Gift from gran", True,
    )  # fmt: skip
    assert income.updated_at > income.created_at


@pytest.mark.django_db
def test_patch_with_bad_amount_is_400_and_changes_nothing(api_client_for, user):
    income = record(user)
    response = api_client_for(user).patch(
        f"{URL}{income.pk}/", {"amount": "-1", "source": "New"}, format="json"
    )
    assert response.status_code == 400
    income.refresh_from_db()
    assert (income.amount, income.source) == (Decimal("100.00"), "Gift")


# --- visibility ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_member_sees_shared_income_but_not_private(api_client_for, user, member):
    shared = record(user, source="Salary")
    record(user, source="Secret", shared=False)
    data = api_client_for(member).get(URL).json()
    assert [row["id"] for row in data["results"]] == [str(shared.pk)]
    mine = api_client_for(user).get(URL).json()
    assert {row["source"] for row in mine["results"]} == {"Salary", "Secret"}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_name", ["member", "stranger"])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unseen_income_answers_404_and_stays_unchanged(
    request, api_client_for, user, viewer_name, method
):
    viewer = request.getfixturevalue(viewer_name)
    # A member cannot see alice's private income; a stranger not even her shared income.
    hidden = record(user, shared=viewer_name == "stranger")
    client = api_client_for(viewer)
    response = getattr(client, method)(f"{URL}{hidden.pk}/", {"amount": "1"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    hidden.refresh_from_db()
    assert hidden.amount == Decimal("100.00")


@pytest.mark.django_db
def test_stranger_lists_nothing_of_another_household(api_client_for, user, stranger):
    record(user)
    assert api_client_for(stranger).get(URL).json()["results"] == []


@pytest.mark.django_db
def test_unknown_id_is_404(api_client_for, user):
    response = api_client_for(user).get(f"{URL}{uuid.uuid4()}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_only_the_author_can_make_income_private(api_client_for, user, member):
    income = record(user)
    response = api_client_for(member).patch(f"{URL}{income.pk}/", {"shared": False}, format="json")
    assert response.status_code == 400
    assert response.json() == {"shared": ["Only who recorded this income can make it private."]}
    income.refresh_from_db()
    assert income.shared is True


@pytest.mark.django_db
def test_member_can_edit_and_delete_shared_income(api_client_for, user, member):
    income = record(user)
    client = api_client_for(member)
    assert client.patch(f"{URL}{income.pk}/", {"note": "ok"}, format="json").status_code == 200
    assert client.delete(f"{URL}{income.pk}/").status_code == 204
    assert not Income.objects.exists()


# --- deletions feed --------------------------------------------------------------------------


@pytest.mark.django_db
def test_deletions_feed_lists_deleted_shared_income_to_every_member(api_client_for, user, member):
    income = record(user)
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    api_client_for(user).delete(f"{URL}{income.pk}/")
    data = api_client_for(member).get(DELETED, {"since": since}).json()
    assert [row["id"] for row in data["results"]] == [str(income.pk)]


@pytest.mark.django_db
def test_deletion_of_private_income_is_told_only_to_its_author(api_client_for, user, member):
    income = record(user, shared=False)
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    api_client_for(user).delete(f"{URL}{income.pk}/")
    assert api_client_for(member).get(DELETED, {"since": since}).json()["results"] == []
    mine = api_client_for(user).get(DELETED, {"since": since}).json()["results"]
    assert [row["id"] for row in mine] == [str(income.pk)]


@pytest.mark.django_db
def test_income_made_private_reads_as_deleted_to_the_others_only(api_client_for, user, member):
    income = record(user)
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    api_client_for(user).patch(f"{URL}{income.pk}/", {"shared": False}, format="json")
    others = api_client_for(member).get(DELETED, {"since": since}).json()["results"]
    assert [row["id"] for row in others] == [str(income.pk)]
    assert api_client_for(user).get(DELETED, {"since": since}).json()["results"] == []


@pytest.mark.django_db
def test_deletions_older_than_90_days_are_410(api_client_for, user):
    since = (timezone.now() - timedelta(days=91)).isoformat()
    response = api_client_for(user).get(DELETED, {"since": since})
    assert response.status_code == 410
    assert "90 days" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"since": ""}, {"since": "soon"}])
def test_deletions_feed_needs_a_valid_since(api_client_for, user, query):
    response = api_client_for(user).get(DELETED, query)
    assert response.status_code == 400
    assert "since" in response.json()


@pytest.mark.django_db
def test_unauthenticated_requests_are_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, body(), format="json").status_code == 401
    assert api_client.get(DELETED, {"since": "2026-11-20T00:00:00Z"}).status_code == 401


# --- a member leaving ------------------------------------------------------------------------


@pytest.mark.django_db
def test_author_leaving_takes_private_income_and_leaves_shared_as_former(user, member):
    shared = record(member, source="Salary")
    private = record(member, source="Secret", shared=False)
    others = record(user, source="Alice's")
    deleted = income_services.incomes_author_left(user=member, household=user.household)
    assert deleted == 1
    assert not Income.objects.filter(pk=private.pk).exists()
    assert IncomeTombstone.objects.filter(pk=private.pk).exists()
    shared.refresh_from_db()
    others.refresh_from_db()
    assert shared.received_by is None
    assert shared.updated_at > shared.created_at
    assert others.received_by == user


@pytest.mark.parametrize("url", [URL, f"{URL}?since=2000-01-01&updated_since=2000-01-01T00:00Z"])
def test_income_list_query_count_does_not_grow(api_client_for, user, member, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client_for(user)
    record(user)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(30):
        record(user if n % 2 else member, shared=n % 3 != 0)
    with CaptureQueriesContext(connection) as big:
        response = client.get(url)
    assert len(big) == len(small)
    # 1 + 20 shared, and 5 of the 10 private ones are alice's own.
    assert len(response.json()["results"]) == 26
