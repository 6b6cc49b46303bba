"""API planned/ (docs/rules.md §12.2): CRUD, paid and skip, figures, bad input, isolation."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from funnels import planned
from funnels.models import Funnel, PlannedOccurrence, PlannedSpending, Spending
from funnels.tests.amount_table import BAD_API_AMOUNTS
from funnels.tests.planned_helpers import NOW, plain_food

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]
D = Decimal


@pytest.fixture
def food(user):
    return plain_food(user)


@pytest.fixture
def alice_api(api_client_for, user):
    return api_client_for(user)


def body(target, **changes):
    return {"funnel": str(target.pk), "amount": "900.00", "date": "2026-11-30",
            "note": "Rent", "repeat": "monthly"} | changes  # fmt: skip


def test_create_list_get_and_the_figures(alice_api, food):
    response = alice_api.post("/api/v1/planned/", body(food), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    shown = ("funnel", "amount", "date", "note", "repeat", "created_by")
    assert {k: created[k] for k in shown} == {
        "funnel": str(food.pk), "amount": "900.00", "date": "2026-11-30", "note": "Rent",
        "repeat": "monthly", "created_by": "alice",
    }  # fmt: skip
    assert [p["id"] for p in alice_api.get("/api/v1/planned/").json()] == [created["id"]]
    assert alice_api.get(f"/api/v1/planned/{created['id']}/").json() == created
    # Day 10 of 30: (2000 − 900)·10/30 = 366.66; remaining 2000 − 900.
    row = alice_api.get(f"/api/v1/funnels/{food.pk}/").json()
    assert (row["planned"], row["remaining"], row["daily"]) == ("900.00", "1100.00", "366.66")
    overview = alice_api.get("/api/v1/overview/").json()
    assert overview["totals"]["planned"] == "900.00"
    assert overview["upcoming"] == [
        {"plan": created["id"], "funnel": str(food.pk), "date": "2026-11-30",
         "amount": "900.00", "note": "Rent", "skipped": False},
    ]  # fmt: skip


def test_idempotent_create_on_a_client_id(alice_api, food):
    plan_id = str(uuid.uuid4())
    first = alice_api.post("/api/v1/planned/", body(food, id=plan_id), format="json")
    again = alice_api.post("/api/v1/planned/", body(food, id=plan_id), format="json")
    other = alice_api.post("/api/v1/planned/", body(food, id=plan_id, amount="1"), format="json")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json()["id"] == plan_id
    assert "other values" in other.json()["detail"]
    assert PlannedSpending.objects.count() == 1


def test_patch_and_delete(alice_api, food):
    plan_id = alice_api.post("/api/v1/planned/", body(food), format="json").json()["id"]
    response = alice_api.patch(
        f"/api/v1/planned/{plan_id}/", {"amount": "950,5", "repeat": "none"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["amount"], response.json()["repeat"]) == ("950.50", "none")
    assert alice_api.delete(f"/api/v1/planned/{plan_id}/").status_code == 204
    assert not PlannedSpending.objects.exists()
    assert alice_api.get(f"/api/v1/planned/{plan_id}/").status_code == 404


def test_paid_records_a_spending_once_and_skip_conflicts(alice_api, food):
    plan_id = alice_api.post("/api/v1/planned/", body(food), format="json").json()["id"]
    url = f"/api/v1/planned/{plan_id}/"
    paid = alice_api.post(url + "paid/", {"date": "2026-11-30"}, format="json")
    assert paid.status_code == 201, paid.json()
    assert paid.json()["status"] == "paid"
    assert paid.json()["spending"]["amount"] == "900.00"
    assert paid.json()["spending"]["spent_at"] == "2026-11-10T12:00:00Z"
    assert alice_api.post(url + "paid/", {"date": "2026-11-30"}, format="json").status_code == 200
    skip = alice_api.post(url + "skip/", {"date": "2026-11-30"}, format="json")
    assert skip.status_code == 409
    assert "recorded" in skip.json()["detail"]
    assert Spending.objects.filter(funnel=food).count() == 1
    skipped = alice_api.post(url + "skip/", {"date": "2026-12-30"}, format="json")
    assert (skipped.status_code, skipped.json()["spending"]) == (201, None)
    row = alice_api.get(f"/api/v1/funnels/{food.pk}/").json()
    assert (row["planned"], row["spent"], row["remaining"]) == ("0.00", "900.00", "1100.00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        *[({"amount": amount}, "amount") for amount in BAD_API_AMOUNTS],
        ({"date": "2026-02-30"}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"date": 20261130}, "date"),
        ({"date": ""}, "date"),
        ({"repeat": "daily"}, "repeat"),
        ({"note": "x" * 201}, "note"),
        ({"note": "nul\x00"}, "note"),
        ({"funnel": "not-a-uuid"}, "funnel"),
        ({"funnel": str(uuid.uuid4())}, "funnel"),
        ({"id": "nope"}, "id"),
    ],
)
def test_bad_input_is_a_clear_400_and_saves_nothing(alice_api, food, changes, field):
    response = alice_api.post("/api/v1/planned/", body(food) | changes, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not PlannedSpending.objects.exists()


@pytest.mark.parametrize("missing", ["funnel", "amount", "date"])
def test_missing_fields_are_named(alice_api, food, missing):
    data = body(food)
    del data[missing]
    response = alice_api.post("/api/v1/planned/", data, format="json")
    assert response.status_code == 400
    assert missing in response.json()


@pytest.mark.parametrize(
    "data", [{}, {"date": "2026-11-29"}, {"date": "2026-10-30"}, {"date": "tomorrow"}]
)
def test_paid_and_skip_on_a_bad_day_are_400(alice_api, food, data):
    plan_id = alice_api.post("/api/v1/planned/", body(food), format="json").json()["id"]
    for action in ("paid", "skip"):
        response = alice_api.post(f"/api/v1/planned/{plan_id}/{action}/", data, format="json")
        assert response.status_code == 400
        assert "date" in response.json()
    assert not PlannedOccurrence.objects.exists()
    assert not Spending.objects.exists()


@pytest.mark.parametrize("viewer", ["stranger", "member"])
def test_nobody_reads_changes_or_pays_a_plan_they_cannot_see(
    request, api_client_for, user, food, viewer
):
    plan = planned.planned_create(
        user=user, funnel=food, amount="900", date=date(2026, 11, 30), repeat="monthly"
    )
    other = request.getfixturevalue(viewer)
    client = api_client_for(other)
    url = f"/api/v1/planned/{plan.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"amount": "1"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert client.post(url + "paid/", {"date": "2026-11-30"}, format="json").status_code == 404
    assert client.post(url + "skip/", {"date": "2026-11-30"}, format="json").status_code == 404
    planned.planned_skip(user=user, plan=plan, on=date(2026, 12, 30))
    assert client.post(url + "unskip/", {"date": "2026-12-30"}, format="json").status_code == 404
    assert PlannedOccurrence.objects.filter(plan=plan, status="skipped").exists()
    assert client.get("/api/v1/planned/").json() == []
    # Nor plans from alice's funnel, nor moves a plan there.
    response = client.post("/api/v1/planned/", body(food), format="json")
    assert response.status_code == 400
    assert response.json()["funnel"] == ["No such funnel."]
    own = client.post(
        "/api/v1/planned/", body(Funnel.objects.get(owner=other, name="Food")), format="json"
    ).json()
    moved = client.patch(f"/api/v1/planned/{own['id']}/", {"funnel": str(food.pk)}, format="json")
    assert moved.status_code == 400
    # Alice's id cannot be taken over either.
    taken = client.post(
        "/api/v1/planned/",
        body(Funnel.objects.get(owner=other, name="Food"), id=str(plan.pk)),
        format="json",
    )
    assert taken.status_code == 409
    plan.refresh_from_db()
    assert (plan.amount, plan.funnel_id) == (D("900"), food.pk)
    assert not Spending.objects.filter(funnel=food).exists()


def test_a_member_sees_and_pays_plans_of_a_shared_funnel(api_client_for, user, member, food):
    shared = Funnel.objects.create(
        household=user.household, name="House", emoji="🏠", color="#ffa500",
        monthly_limit=D("1000"),
    )  # fmt: skip
    plan = planned.planned_create(user=user, funnel=shared, amount="50", date=date(2026, 11, 12))
    client = api_client_for(member)
    assert [p["id"] for p in client.get("/api/v1/planned/").json()] == [str(plan.pk)]
    paid = client.post(f"/api/v1/planned/{plan.pk}/paid/", {"date": "2026-11-12"}, format="json")
    assert paid.status_code == 201
    assert paid.json()["spending"]["created_by"] == "bob"


def test_unauthenticated_is_401(api_client, food):
    assert api_client.get("/api/v1/planned/").status_code == 401


def test_unskip_takes_a_skip_back_and_leaves_a_payment(alice_api, food):
    plan_id = alice_api.post("/api/v1/planned/", body(food), format="json").json()["id"]
    url = f"/api/v1/planned/{plan_id}/"
    alice_api.post(url + "skip/", {"date": "2026-11-30"}, format="json")
    overview = alice_api.get("/api/v1/overview/").json()
    assert overview["totals"]["planned"] == "0.00"
    assert [(u["date"], u["skipped"]) for u in overview["upcoming"]] == [("2026-11-30", True)]
    assert alice_api.post(url + "unskip/", {"date": "2026-11-30"}, format="json").status_code == 204
    overview = alice_api.get("/api/v1/overview/").json()
    assert overview["totals"]["planned"] == "900.00"
    assert [(u["date"], u["skipped"]) for u in overview["upcoming"]] == [("2026-11-30", False)]
    alice_api.post(url + "paid/", {"date": "2026-11-30"}, format="json")
    assert alice_api.post(url + "unskip/", {"date": "2026-11-30"}, format="json").status_code == 204
    assert PlannedOccurrence.objects.get().status == "paid"
    assert alice_api.post(url + "unskip/", {"date": "soon"}, format="json").status_code == 400
