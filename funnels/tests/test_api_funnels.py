"""API §5.3: funnels with their figures; create, change, delete (with move_to)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from funnels.models import Funnel, Spending, SpendingTombstone
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/funnels/"

FUNNEL_FIELDS = {
    "id",
    "name",
    "emoji",
    "color",
    "monthly_limit",
    "shared",
    "owner",
    "position",
    "spent",
    "remaining",
    "daily",
    "spent_today",
    "rollover",
    "rollover_cap",
    "carry_in",
    "planned",
}


def test_list_shows_own_and_shared_funnels_with_figures(api_client_for, user, member):
    shared = FunnelFactory(
        household=user.household, name="Groceries", monthly_limit=Decimal("300"), position=10
    )
    SpendingFactory(funnel=shared, created_by=member, amount=Decimal("12.50"))
    FunnelFactory(household=user.household, owner=member, name="Bobs secret")

    response = api_client_for(user).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert [f["name"] for f in body] == ["Food", "Misc", "Groceries"]
    assert all(set(f) == FUNNEL_FIELDS for f in body)
    groceries = body[2]
    assert groceries["shared"] is True
    assert groceries["owner"] is None
    assert groceries["monthly_limit"] == "300.00"
    assert groceries["spent"] == "12.50"
    assert groceries["spent_today"] == "12.50"
    assert groceries["remaining"] == "287.50"
    food = body[0]
    assert food["owner"] == "alice"
    assert food["shared"] is False
    assert food["spent"] == "0.00"


def test_get_one_funnel(api_client_for, user):
    funnel = Funnel.objects.get(owner=user, name="Food")
    response = api_client_for(user).get(f"{URL}{funnel.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == str(funnel.pk)
    assert response.json()["emoji"] == "🍞"


def test_create_personal_funnel(api_client_for, user):
    response = api_client_for(user).post(
        URL,
        {"name": " Books ", "emoji": "📚", "color": "#AABBCC", "monthly_limit": "50.5"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    funnel = Funnel.objects.get(pk=body["id"])
    assert funnel.owner == user
    assert funnel.name == "Books"
    assert funnel.color == "#aabbcc"
    assert funnel.monthly_limit == Decimal("50.50")
    assert body["monthly_limit"] == "50.50"
    assert body["owner"] == "alice"
    assert body["shared"] is False
    assert body["position"] == 2  # after the two default funnels
    assert body["daily"] is not None


def test_create_shared_funnel_at_a_position(api_client_for, user):
    response = api_client_for(user).post(
        URL,
        {
            "name": "Rent",
            "emoji": "🏠",
            "color": "#000000",
            "monthly_limit": 0,
            "shared": True,
            "position": 0,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    funnel = Funnel.objects.get(pk=response.json()["id"])
    assert funnel.owner is None
    assert funnel.position == 0
    assert response.json()["owner"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("monthly_limit", 12.5),
        ("monthly_limit", True),
        ("monthly_limit", "NaN"),
        ("monthly_limit", "Infinity"),
        ("monthly_limit", "1.234"),
        ("monthly_limit", "-1"),
        ("monthly_limit", "12345678901"),
        ("monthly_limit", "abc"),
        ("monthly_limit", None),
        ("monthly_limit", [1]),
        ("name", ""),
        ("name", "x" * 41),
        ("name", "nul\x00byte"),
        ("emoji", "ab"),
        ("emoji", "🍞🍞"),
        ("color", "red"),
        ("color", "#12345g"),
        ("shared", "maybe"),
        ("position", -1),
        ("position", 2**40),
    ],
)
def test_create_rejects_bad_input_with_field_message(api_client_for, user, field, value):
    body = {"name": "Books", "emoji": "📚", "color": "#aabbcc", "monthly_limit": "50"}
    body[field] = value
    before = Funnel.objects.count()
    response = api_client_for(user).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert isinstance(response.json()[field], list)
    assert Funnel.objects.count() == before


def test_create_requires_fields(api_client_for, user):
    response = api_client_for(user).post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "emoji", "color", "monthly_limit"}


def test_patch_changes_only_given_fields(api_client_for, user):
    funnel = Funnel.objects.get(owner=user, name="Food")
    response = api_client_for(user).patch(
        f"{URL}{funnel.pk}/", {"monthly_limit": "123.45", "name": "Eating"}, format="json"
    )
    assert response.status_code == 200, response.content
    funnel.refresh_from_db()
    assert funnel.monthly_limit == Decimal("123.45")
    assert funnel.name == "Eating"
    assert funnel.emoji == "🍞"
    assert response.json()["remaining"] == "123.45"


def test_patch_makes_a_funnel_shared_and_back(api_client_for, user):
    funnel = Funnel.objects.get(owner=user, name="Food")
    client = api_client_for(user)
    response = client.patch(f"{URL}{funnel.pk}/", {"shared": True}, format="json")
    assert response.status_code == 200
    assert response.json()["owner"] is None
    funnel.refresh_from_db()
    assert funnel.owner is None
    response = client.patch(f"{URL}{funnel.pk}/", {"shared": False}, format="json")
    funnel.refresh_from_db()
    assert funnel.owner == user


def test_patch_rejects_bad_limit_and_changes_nothing(api_client_for, user):
    funnel = Funnel.objects.get(owner=user, name="Food")
    response = api_client_for(user).patch(
        f"{URL}{funnel.pk}/", {"monthly_limit": "-5", "name": "X"}, format="json"
    )
    assert response.status_code == 400
    assert "monthly_limit" in response.json()
    funnel.refresh_from_db()
    assert funnel.monthly_limit == Decimal("2000.00")
    assert funnel.name == "Food"


def test_delete_removes_funnel_and_spendings_leaving_tombstones(api_client_for, user):
    funnel = Funnel.objects.get(owner=user, name="Food")
    spendings = SpendingFactory.create_batch(3, funnel=funnel, created_by=user)
    response = api_client_for(user).delete(f"{URL}{funnel.pk}/")
    assert response.status_code == 204
    assert not Funnel.objects.filter(pk=funnel.pk).exists()
    assert not Spending.objects.filter(funnel_id=funnel.pk).exists()
    assert set(SpendingTombstone.objects.values_list("id", flat=True)) == {s.pk for s in spendings}


def test_delete_with_move_to_keeps_spendings(api_client_for, user):
    food = Funnel.objects.get(owner=user, name="Food")
    misc = Funnel.objects.get(owner=user, name="Misc")
    spendings = SpendingFactory.create_batch(2, funnel=food, created_by=user)
    response = api_client_for(user).delete(f"{URL}{food.pk}/?move_to={misc.pk}")
    assert response.status_code == 204
    assert not Funnel.objects.filter(pk=food.pk).exists()
    assert set(misc.spendings.values_list("id", flat=True)) == {s.pk for s in spendings}
    assert not SpendingTombstone.objects.exists()


@pytest.mark.parametrize("move_to", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "self"])
def test_delete_with_bad_move_to_is_400_and_deletes_nothing(api_client_for, user, move_to):
    food = Funnel.objects.get(owner=user, name="Food")
    SpendingFactory(funnel=food, created_by=user)
    target = str(food.pk) if move_to == "self" else move_to
    response = api_client_for(user).delete(f"{URL}{food.pk}/?move_to={target}")
    assert response.status_code == 400
    assert "move_to" in response.json()
    assert Funnel.objects.filter(pk=food.pk).exists()
    assert food.spendings.count() == 1


def test_delete_cannot_move_to_another_members_personal_funnel(api_client_for, user, member):
    food = Funnel.objects.get(owner=user, name="Food")
    bobs = Funnel.objects.get(owner=member, name="Food")
    response = api_client_for(user).delete(f"{URL}{food.pk}/?move_to={bobs.pk}")
    assert response.status_code == 400
    assert Funnel.objects.filter(pk=food.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"color": " #aabbcc"}, "color"),
        ({"color": "#aabbc"}, "color"),
        ({"emoji": " 📚"}, "emoji"),
        ({"emoji": "📚📚"}, "emoji"),
        ({"name": "A\u0000B"}, "name"),
        ({"name": 5}, "name"),
    ],
)
def test_create_refuses_what_the_schema_refuses(api_client_for, user, changes, field):
    body = {"name": "Books", "emoji": "📚", "color": "#aabbcc", "monthly_limit": "50", **changes}
    response = api_client_for(user).post(URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Funnel.objects.filter(name="Books").exists()


def test_schema_states_the_colour_and_the_emoji_list(api_client_for, user):
    import emoji

    schema = api_client_for(user).get("/api/v1/schema/?format=json").json()
    funnel = schema["components"]["schemas"]["FunnelInputRequest"]["properties"]
    assert funnel["color"]["pattern"] == "^#[0-9a-fA-F]{6}$"
    assert funnel["emoji"]["allOf"] == [{"$ref": "#/components/schemas/EmojiEnum"}]
    assert schema["components"]["schemas"]["EmojiEnum"]["enum"] == sorted(emoji.EMOJI_DATA)
