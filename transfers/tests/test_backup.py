"""Household backup and restore (docs/rules.md §9.2): owner only, versioned, validated, the
round trip, idempotent restore, isolation."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Household, User
from funnels import planned
from funnels.models import Funnel, Income, PlannedOccurrence, PlannedSpending, Spending
from transfers.backup import FORMAT, VERSION, household_backup
from transfers.tests.helpers import at, earn, spend

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(user, member):
    """alice (owner) and bob with personal and shared funnels, spendings and income."""
    shared = Funnel.objects.create(
        household=user.household, name="Home 🏠", emoji="🏠", color="#336699",
        monthly_limit=Decimal("750.00"), position=5,
    )  # fmt: skip
    spend(user, "12.34", at(3, 1), note='Crème, "quoted"\nnew line')
    spend(member, "5.00", at(3, 2), funnel=shared, note="北京")
    spend(member, "0.01", at(3, 3), funnel=Funnel.objects.get(owner=member, name="Misc"))
    earn(user, "2500.00", at(3, 1))
    earn(member, "40.00", at(3, 4), shared=False, source="Gift")
    return user


def _without_member_ids(document: dict) -> dict:
    """The document with each member number replaced by that member's username."""
    document = json.loads(json.dumps(document))
    names = {m["id"]: m["username"] for m in document["members"]}
    for key, section in (("id", "members"), ("owner", "funnels"), ("created_by", "spendings"),
                         ("received_by", "incomes"), ("created_by", "planned")):  # fmt: skip
        for entry in document.get(section, []):
            entry[key] = names.get(entry[key])
    return document


def _wipe_everything() -> None:
    Spending.objects.all().delete()
    Income.objects.all().delete()
    Funnel.objects.all().delete()
    User.objects.all().delete()
    Household.objects.all().delete()


def test_backup_is_versioned_and_holds_no_secrets(filled, member):
    document = household_backup(user=filled)
    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    assert sorted(m["username"] for m in document["members"]) == ["alice", "bob"]
    assert set(document["members"][0]) == {"id", "username", "display_name", "role"}
    assert len(document["funnels"]) == 5
    assert len(document["spendings"]) == 3
    assert len(document["incomes"]) == 2  # bob's private income too: the owner backs up all
    assert {s["amount"] for s in document["spendings"]} == {"12.34", "5.00", "0.01"}
    text = json.dumps(document)
    assert "bin_key" not in text
    assert "recovery" not in text


def test_round_trip_into_a_fresh_database(filled, make_member, api_client_for):
    before = api_client_for(filled).get("/api/v1/household/backup/").json()
    names = {m["username"]: m["display_name"] for m in before["members"]}
    _wipe_everything()
    # The same people register on the fresh install (restore never changes members).
    alice = make_member("alice", display_name=names["alice"])
    make_member("bob", household=alice.household, display_name=names["bob"])
    response = api_client_for(alice).post(
        "/api/v1/household/restore/", json.dumps(before), content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json() == {"funnels": 5, "spendings": 3, "incomes": 2}
    after = api_client_for(alice).get("/api/v1/household/backup/").json()
    assert after != before  # the member ids differ…
    assert _without_member_ids(after) == _without_member_ids(before)  # …and nothing else


def test_restoring_twice_changes_nothing(filled, make_member, api_client_for):
    document = household_backup(user=filled)
    _wipe_everything()
    alice = make_member("alice")
    client = api_client_for(alice)
    body = json.dumps(document)
    assert (
        client.post("/api/v1/household/restore/", body, content_type="application/json").status_code
        == 201
    )
    first = household_backup(user=User.objects.get(username="alice"))
    again = client.post("/api/v1/household/restore/", body, content_type="application/json")
    assert again.status_code == 200
    assert again.json() == {"funnels": 0, "spendings": 0, "incomes": 0}
    assert household_backup(user=User.objects.get(username="alice")) == first


def test_what_belonged_to_an_absent_member_goes_to_the_owner(filled, make_member, api_client_for):
    document = household_backup(user=filled)
    _wipe_everything()
    carol = make_member("carol")
    client = api_client_for(carol)
    client.post("/api/v1/household/restore/", json.dumps(document), content_type="application/json")
    assert set(Funnel.objects.exclude(owner=None).values_list("owner__username", flat=True)) == {
        "carol"
    }
    assert set(Spending.objects.values_list("created_by", flat=True)) == {None}
    gift = Income.objects.get(source="Gift")
    assert (gift.received_by, gift.shared) == (carol, False)
    assert Spending.objects.get(note="北京").amount == Decimal("5.00")


def _restore(client, body: bytes | str):
    return client.post("/api/v1/household/restore/", body, content_type="application/json")


def _bad(document_change) -> str:
    return document_change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: {"format": "something-else", "version": 1}, "not a Funnels household backup"),
        (lambda d: [1, 2, 3], "not a Funnels household backup"),
        (lambda d: {**d, "version": 2}, "newer Funnels"),
        (lambda d: {**d, "version": "1"}, "no valid version"),
        (lambda d: {**d, "spendings": [{**d["spendings"][0], "amount": "-1.00"}]}, "than zero"),
        (lambda d: {**d, "spendings": [{**d["spendings"][0], "amount": 1.5}]}, "decimal string"),
        (lambda d: {**d, "spendings": [{**d["spendings"][0], "amount": "NaN"}]}, "decimal string"),
        (lambda d: {**d, "spendings": [{**d["spendings"][0], "funnel": "nope"}]}, "must be an id"),
        (lambda d: {**d, "spendings": [{**d["spendings"][0], "spent_at": "today"}]}, "date-time"),
        (lambda d: {**d, "funnels": [{**d["funnels"][0], "emoji": "ab"}]}, "emoji"),
        (lambda d: {**d, "incomes": "lots"}, "no list of incomes"),
        (lambda d: {**d, "household": {**d["household"], "period_start_day": 31}}, "1 to 28"),
    ],
)  # fmt: skip
def test_a_bad_document_is_refused_and_changes_nothing(user, api_client_for, change, message):
    spend(user, "1.00", at(3, 1))
    document = household_backup(user=user)
    Spending.objects.all().delete()
    funnels_before = sorted(Funnel.objects.values_list("pk", flat=True))
    response = _restore(api_client_for(user), json.dumps(change(document)))
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert Spending.objects.count() == 0
    assert sorted(Funnel.objects.values_list("pk", flat=True)) == funnels_before


def test_a_truncated_file_and_a_non_utf8_file_get_a_clear_error(user, api_client_for):
    text = json.dumps(household_backup(user=user))
    client = api_client_for(user)
    response = _restore(client, text[: len(text) // 2])
    assert response.status_code == 400
    assert "cut short" in response.json()["detail"]
    response = _restore(client, "\xff\xfe".encode("latin-1") + b"{}")
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]


def test_a_50_mb_file_is_refused_before_it_is_read(user, api_client_for):
    body = b'{"format": "funnels-household", "version": 1, "pad": "' + b"x" * (50 * 2**20) + b'"}'
    response = _restore(api_client_for(user), body)
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]


def test_ids_of_another_household_are_an_error(filled, stranger, api_client_for):
    document = household_backup(user=filled)
    response = _restore(api_client_for(stranger), json.dumps(document))
    assert response.status_code == 400
    assert "another household" in response.json()["detail"]
    assert Spending.objects.filter(funnel__household=stranger.household).count() == 0


def test_a_household_with_spendings_takes_no_other_backup(filled, stranger, api_client_for):
    document = household_backup(user=stranger)
    spend(stranger, "1.00", at(3, 1))
    document["spendings"] = [
        {"id": "00000000-0000-4000-8000-000000000001", "funnel": document["funnels"][0]["id"],
         "created_by": None, "amount": "2.00", "spent_at": "2026-03-01T10:00:00+00:00",
         "note": "", "created_at": "2026-03-01T10:00:00+00:00",
         "updated_at": "2026-03-01T10:00:00+00:00"}
    ]  # fmt: skip
    response = _restore(api_client_for(stranger), json.dumps(document))
    assert response.status_code == 400
    assert "has spendings already" in response.json()["detail"]


def test_only_the_owner_backs_up_and_restores(filled, member, api_client_for, client):
    api = api_client_for(member)
    assert api.get("/api/v1/household/backup/").status_code == 403
    assert _restore(api, "{}").status_code == 403
    client.force_login(member)
    assert client.get("/household/backup/download/").status_code == 403
    assert client.get("/household/backup/").status_code == 403


def test_web_download_and_restore(filled, client, make_member):
    client.force_login(filled)
    response = client.get("/household/backup/download/")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["format"] == FORMAT
    _wipe_everything()
    alice = make_member("alice")
    client.force_login(alice)
    upload = SimpleUploadedFile("backup.json", response.content, "application/json")
    done = client.post("/household/backup/", {"file": upload}, follow=True)
    assert "Restored 5 funnels, 3 spendings and 2 income entries." in done.content.decode()
    assert Spending.objects.count() == 3
    bad = SimpleUploadedFile("backup.json", b'{"format": "x"}', "application/json")
    response = client.post("/household/backup/", {"file": bad})
    assert response.status_code == 400
    assert "not a Funnels household backup" in response.content.decode()


def test_the_schema_states_that_the_backup_is_a_required_json_body(user, api_client_for):
    schema = api_client_for(user).get("/api/v1/schema/?format=json").json()
    body = schema["paths"]["/api/v1/household/restore/"]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"]["type"] == "object"
    response = api_client_for(user).post("/api/v1/household/restore/")
    assert response.status_code == 400
    assert "not complete JSON" in response.json()["detail"]
    assert Funnel.objects.filter(household=user.household).count() == 2


@pytest.fixture
def planning(filled, member, time_machine):
    """filled, a capped rollover, a monthly plan paid once and skipped once, a plan of bob's."""
    time_machine.move_to("2026-03-10 09:00Z", tick=False)
    food = Funnel.objects.get(owner=filled, name="Food")
    food.rollover, food.rollover_cap = "capped", Decimal("50.00")
    food.save()
    rent = planned.planned_create(
        user=filled, funnel=food, amount="900.00", date=date(2026, 3, 12), note="Rent",
        repeat="monthly",
    )  # fmt: skip
    planned.planned_paid(user=filled, plan=rent, on=date(2026, 3, 12))
    planned.planned_skip(user=filled, plan=rent, on=date(2026, 4, 12))
    bobs = Funnel.objects.get(owner=member, name="Misc")
    planned.planned_create(user=member, funnel=bobs, amount="9.99", date=date(2026, 3, 20))
    return filled


def test_round_trip_keeps_rollover_and_plans_with_their_done_occurrences(
    planning, make_member, api_client_for
):
    before = api_client_for(planning).get("/api/v1/household/backup/").json()
    food = next(f for f in before["funnels"] if f["name"] == "Food")
    assert (food["rollover"], food["rollover_cap"]) == ("capped", "50.00")
    rent = next(p for p in before["planned"] if p["note"] == "Rent")
    assert [(d["date"], d["status"]) for d in rent["done"]] == [
        ("2026-03-12", "paid"),
        ("2026-04-12", "skipped"),
    ]
    assert rent["done"][0]["spending"] in {s["id"] for s in before["spendings"]}
    names = {m["username"]: m["display_name"] for m in before["members"]}
    _wipe_everything()
    alice = make_member("alice", display_name=names["alice"])
    make_member("bob", household=alice.household, display_name=names["bob"])
    client = api_client_for(alice)
    body = json.dumps(before)
    assert _restore(client, body).status_code == 201
    assert PlannedSpending.objects.count() == 2
    assert PlannedOccurrence.objects.filter(spending__isnull=False).count() == 1
    after = client.get("/api/v1/household/backup/").json()
    assert _without_member_ids(after) == _without_member_ids(before)
    again = _restore(client, body)
    assert again.json() == {"funnels": 0, "spendings": 0, "incomes": 0}
    assert PlannedSpending.objects.count() == 2
    assert PlannedOccurrence.objects.count() == 2


def test_a_backup_from_before_rollover_and_plans_restores_without_them(
    planning, make_member, api_client_for
):
    document = household_backup(user=planning)
    del document["planned"]
    for funnel in document["funnels"]:
        del funnel["rollover"], funnel["rollover_cap"]
    _wipe_everything()
    alice = make_member("alice")
    assert _restore(api_client_for(alice), json.dumps(document)).status_code == 201
    assert set(Funnel.objects.values_list("rollover", flat=True)) == {"none"}
    assert not PlannedSpending.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: {**p, "funnel": "8f0c4b8e-3c1a-4d4e-9d6e-0c8f3b1a2d4e"}, "names no funnel"),
        (lambda p: {**p, "repeat": "daily"}, "repeat must be one of"),
        (lambda p: {**p, "date": "12 March"}, "must be a date"),
        (lambda p: {**p, "done": [{"date": "2026-03-12", "status": "lost"}]}, "status"),
        (lambda p: {**p, "done": [{"date": "2026-03-12", "status": "paid",
                                   "spending": "8f0c4b8e-3c1a-4d4e-9d6e-0c8f3b1a2d4e"}]},
         "names no spending"),
    ],
)  # fmt: skip
def test_a_bad_plan_or_rollover_is_refused_and_changes_nothing(
    planning, make_member, api_client_for, change, message
):
    document = household_backup(user=planning)
    document["planned"][0] = change(document["planned"][0])
    _wipe_everything()
    alice = make_member("alice")
    response = _restore(api_client_for(alice), json.dumps(document))
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Spending.objects.exists()
    assert not PlannedSpending.objects.exists()


def test_capped_rollover_without_a_cap_is_refused(planning, make_member, api_client_for):
    document = household_backup(user=planning)
    food = next(f for f in document["funnels"] if f["name"] == "Food")
    food["rollover_cap"] = None
    _wipe_everything()
    response = _restore(api_client_for(make_member("alice")), json.dumps(document))
    assert response.status_code == 400
    assert "Enter the most that may carry over." in response.json()["detail"]
    assert not Funnel.objects.filter(rollover="capped").exists()
