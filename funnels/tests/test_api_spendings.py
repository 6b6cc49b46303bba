"""API §5.4: spendings list (newest first, cursor pages, filters), create, change, delete."""

from __future__ import annotations

import base64
import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from funnels.models import Funnel, Spending
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/spendings/"
SPENDING_FIELDS = {
    "id",
    "funnel",
    "amount",
    "spent_at",
    "note",
    "created_by",
    "created_at",
    "updated_at",
}


@pytest.fixture
def food(user):
    return Funnel.objects.get(owner=user, name="Food")


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_create_spending(api_client_for, user, food):
    response = api_client_for(user).post(
        URL,
        {
            "funnel": str(food.pk),
            "amount": "12,50",
            "note": " lunch ",
            "spent_at": "2026-11-20T12:30:00Z",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == SPENDING_FIELDS
    spending = Spending.objects.get(pk=body["id"])
    assert spending.amount == Decimal("12.50")
    assert spending.note == "lunch"
    assert spending.created_by == user
    assert spending.spent_at == datetime(2026, 11, 20, 12, 30, tzinfo=UTC)
    assert body["amount"] == "12.50"
    assert body["funnel"] == str(food.pk)
    assert body["created_by"] == "alice"
    assert body["spent_at"] == "2026-11-20T12:30:00Z"


def test_create_defaults_to_now(api_client_for, user, food):
    response = api_client_for(user).post(URL, {"funnel": str(food.pk), "amount": 3}, format="json")
    assert response.status_code == 201
    spending = Spending.objects.get(pk=response.json()["id"])
    assert abs(spending.spent_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert spending.note == ""


def test_naive_spent_at_is_household_time(api_client_for, user, food):
    user.household.timezone = "Europe/Berlin"
    user.household.save()
    response = api_client_for(user).post(
        URL, {"funnel": str(food.pk), "amount": "1", "spent_at": "2026-11-20T12:00"}, format="json"
    )
    assert response.status_code == 201
    spending = Spending.objects.get(pk=response.json()["id"])
    assert spending.spent_at == datetime(
        2026, 11, 20, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "0"),
        ("amount", "0.00"),
        ("amount", "-5"),
        ("amount", 12.5),
        ("amount", True),
        ("amount", "NaN"),
        ("amount", "-Infinity"),
        ("amount", "1.001"),
        ("amount", "99999999999"),
        ("amount", ""),
        ("amount", None),
        ("amount", {"a": 1}),
        ("funnel", "not-a-uuid"),
        ("funnel", str(uuid.UUID(int=0))),
        ("funnel", 5),
        ("spent_at", "yesterday"),
        ("spent_at", "0001-01-01T00:00:00Z"),
        ("spent_at", "9999-12-31T23:59:59+14:00"),
        ("spent_at", 1700000000),
        ("note", "x" * 201),
        ("note", "a\x00b"),
        ("id", "not-a-uuid"),
    ],
)
def test_create_rejects_bad_input(api_client_for, user, food, field, value):
    body = {"funnel": str(food.pk), "amount": "5"}
    body[field] = value
    response = api_client_for(user).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Spending.objects.exists()


def test_create_cannot_spend_from_another_members_personal_funnel(api_client_for, user, member):
    bobs = Funnel.objects.get(owner=member, name="Food")
    response = api_client_for(user).post(
        URL, {"funnel": str(bobs.pk), "amount": "5"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"funnel": ["No such funnel."]}
    assert not Spending.objects.exists()


def test_list_is_newest_first_with_created_by(api_client_for, user, member, food):
    shared = FunnelFactory(household=user.household)
    old = SpendingFactory(funnel=food, created_by=user, spent_at=at(1))
    new = SpendingFactory(funnel=shared, created_by=member, spent_at=at(3), note="by bob")
    mid = SpendingFactory(funnel=food, created_by=None, spent_at=at(2))
    response = api_client_for(user).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [s["id"] for s in body["results"]] == [str(new.pk), str(mid.pk), str(old.pk)]
    assert body["results"][0]["created_by"] == "bob"
    assert body["results"][1]["created_by"] is None
    assert body["next"] is None
    assert body["server_time"]


def test_list_pages_with_a_cursor_and_no_duplicates(api_client_for, user, food):
    # Several spendings share one spent_at, so the cursor must break ties.
    made = [
        SpendingFactory(funnel=food, created_by=user, spent_at=at(1 + i // 3)) for i in range(12)
    ]
    client = api_client_for(user)
    seen = []
    url = f"{URL}?page_size=5"
    while url:
        body = client.get(url).json()
        seen += [s["id"] for s in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(str(s.pk) for s in made)
    assert len(seen) == 12
    times = [Spending.objects.get(pk=i).spent_at for i in seen]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize("url", [URL, "/api/v1/incomes/"])
@pytest.mark.parametrize("page_size", ["null", "0", "201", "-1", "2.5", " 5", "1e2"])
def test_a_page_size_outside_1_to_200_is_a_400(api_client_for, user, url, page_size):
    response = api_client_for(user).get(url, {"page_size": page_size})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Use a whole number from 1 to 200."]}


def test_a_page_size_of_200_is_taken(api_client_for, user, food):
    SpendingFactory.create_batch(3, funnel=food, created_by=user)
    body = api_client_for(user).get(URL, {"page_size": "200"}).json()
    assert len(body["results"]) == 3


def test_the_schema_states_the_page_size_range(api_client):
    schema = api_client.get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/spendings/", "/api/v1/incomes/"):
        parameters = schema["paths"][path]["get"]["parameters"]
        (page_size,) = [p for p in parameters if p["name"] == "page_size"]
        assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        *(
            base64.b64encode(raw.encode()).decode()
            for raw in [
                "p=abc",
                "p=2026-13-45",
                "p=2026-11-01",
                "p=0001-01-01 00:00:00%2B14:00",
                "p=9999-12-31 23:59:59-14:00",
                "o=x&p=2026-11-01 00:00:00%2B00:00",
            ]
        ),
    ],
)
def test_bad_cursor_is_a_json_404(api_client_for, user, cursor):
    response = api_client_for(user).get(URL, {"cursor": cursor})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


def test_list_filters_by_funnel_and_local_dates(api_client_for, user, food):
    user.household.timezone = "Pacific/Auckland"  # UTC+13 in November
    user.household.save()
    misc = Funnel.objects.get(owner=user, name="Misc")
    # 2026-11-19 11:30 UTC is 2026-11-20 00:30 in Auckland.
    early = SpendingFactory(
        funnel=food, created_by=user, spent_at=datetime(2026, 11, 19, 10, 30, tzinfo=UTC)
    )
    inside = SpendingFactory(
        funnel=food, created_by=user, spent_at=datetime(2026, 11, 19, 11, 30, tzinfo=UTC)
    )
    last = SpendingFactory(
        funnel=food, created_by=user, spent_at=datetime(2026, 11, 21, 10, 59, tzinfo=UTC)
    )
    late = SpendingFactory(
        funnel=food, created_by=user, spent_at=datetime(2026, 11, 21, 11, 0, tzinfo=UTC)
    )
    other = SpendingFactory(
        funnel=misc, created_by=user, spent_at=datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    )
    client = api_client_for(user)

    def ids(query):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return {s["id"] for s in response.json()["results"]}

    assert ids("since=2026-11-20&until=2026-11-21") == {str(inside.pk), str(last.pk), str(other.pk)}
    assert ids(f"funnel={food.pk}&since=2026-11-20&until=2026-11-21") == {
        str(inside.pk),
        str(last.pk),
    }
    assert ids("until=2026-11-19") == {str(early.pk)}
    assert ids("since=2026-11-22") == {str(late.pk)}


def test_list_filters_by_updated_since(api_client_for, user, food):
    old = SpendingFactory(funnel=food, created_by=user)
    Spending.objects.filter(pk=old.pk).update(updated_at=datetime(2026, 1, 1, tzinfo=UTC))
    fresh = SpendingFactory(funnel=food, created_by=user)
    response = api_client_for(user).get(f"{URL}?updated_since=2026-06-01T00:00:00Z")
    assert [s["id"] for s in response.json()["results"]] == [str(fresh.pk)]


@pytest.mark.parametrize(
    "query",
    [
        "funnel=nope",
        "since=2026-13-01",
        "until=yesterday",
        "since=2026-11-05&until=2026-11-01",
        "updated_since=soon",
        "since=0001-01-01",
        "until=9999-12-31",
    ],
)
def test_list_rejects_bad_filters(api_client_for, user, query):
    response = api_client_for(user).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response.json()


def test_get_one_spending(api_client_for, user, food):
    spending = SpendingFactory(funnel=food, created_by=user, amount=Decimal("7.10"))
    response = api_client_for(user).get(f"{URL}{spending.pk}/")
    assert response.status_code == 200
    assert response.json()["amount"] == "7.10"


def test_patch_changes_amount_funnel_and_note(api_client_for, user, food):
    misc = Funnel.objects.get(owner=user, name="Misc")
    spending = SpendingFactory(funnel=food, created_by=user, amount=Decimal("7.10"))
    response = api_client_for(user).patch(
        f"{URL}{spending.pk}/",
        {
            "amount": "8",
            "funnel": str(misc.pk),
            "note": "moved",
            "spent_at": "2026-11-02T10:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    spending.refresh_from_db()
    assert spending.amount == Decimal("8.00")
    assert spending.funnel == misc
    assert spending.note == "moved"
    assert spending.spent_at == datetime(2026, 11, 2, 10, tzinfo=UTC)
    assert response.json()["funnel"] == str(misc.pk)


@pytest.mark.parametrize(
    "body", [{"amount": "0"}, {"amount": "1.234"}, {"funnel": None}, {"spent_at": None}]
)
def test_patch_rejects_bad_input_and_changes_nothing(api_client_for, user, food, body):
    spending = SpendingFactory(funnel=food, created_by=user, amount=Decimal("7.10"))
    response = api_client_for(user).patch(f"{URL}{spending.pk}/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == set(body)
    spending.refresh_from_db()
    assert spending.amount == Decimal("7.10")
    assert spending.funnel == food


def test_patch_id_is_ignored(api_client_for, user, food):
    spending = SpendingFactory(funnel=food, created_by=user)
    response = api_client_for(user).patch(
        f"{URL}{spending.pk}/", {"id": str(uuid.uuid4())}, format="json"
    )
    assert response.status_code == 200
    assert Spending.objects.filter(pk=spending.pk).exists()


def test_delete_spending(api_client_for, user, food):
    spending = SpendingFactory(funnel=food, created_by=user)
    response = api_client_for(user).delete(f"{URL}{spending.pk}/")
    assert response.status_code == 204
    assert not Spending.objects.filter(pk=spending.pk).exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "The amount must be more than zero."),
        ("0,00", "The amount must be more than zero."),
        (0, "The amount must be more than zero."),
        ("012", 'Enter the amount as a decimal string like "12.50".'),
        (" 12", 'Enter the amount as a decimal string like "12.50".'),
        ("1,234.50", 'Enter the amount as a decimal string like "12.50".'),
        ("-5", 'Enter the amount as a decimal string like "12.50".'),
    ],
)
def test_create_refuses_what_the_schema_money_pattern_refuses(
    api_client_for, user, food, amount, message
):
    response = api_client_for(user).post(
        URL, {"funnel": str(food.pk), "amount": amount}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"amount": [message]}
    assert not Spending.objects.exists()


@pytest.mark.parametrize(("amount", "stored"), [("0.05", "0.05"), ("12,5", "12.50"), (7, "7.00")])
def test_create_takes_what_the_schema_money_pattern_takes(
    api_client_for, user, food, amount, stored
):
    response = api_client_for(user).post(
        URL, {"funnel": str(food.pk), "amount": amount}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == stored


def test_schema_money_patterns_are_the_ones_the_server_enforces(api_client_for, user):
    from funnels.fields import MONEY_PATTERN, POSITIVE_MONEY_PATTERN

    schema = api_client_for(user).get("/api/v1/schema/?format=json").json()["components"]
    amount = schema["schemas"]["SpendingInputRequest"]["properties"]["amount"]
    limit = schema["schemas"]["FunnelInputRequest"]["properties"]["monthly_limit"]
    assert amount["oneOf"][0]["pattern"] == POSITIVE_MONEY_PATTERN
    assert limit["oneOf"][0]["pattern"] == MONEY_PATTERN
