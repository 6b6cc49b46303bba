"""A body field takes exactly the JSON type its schema states (found by the API fuzz's negative
examples): DRF would cast 0 to false, 12 to "12", "3" to 3 and an integer to a UUID."""

from __future__ import annotations

import uuid

import pytest

from accounts.models import Household
from funnels.models import Funnel, Income, Spending

pytestmark = pytest.mark.django_db

WHEN = "2026-11-20T12:00:00Z"


def _funnel(user) -> Funnel:
    return Funnel.objects.visible_to(user).first()


@pytest.mark.parametrize("shared", [0, 1, "true", "yes", None])
def test_income_shared_must_be_a_json_boolean(api_client_for, user, shared):
    body = {"amount": "5.00", "source": "Salary", "received_at": WHEN, "shared": shared}
    response = api_client_for(user).post("/api/v1/incomes/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["shared"]
    assert not Income.objects.exists()


@pytest.mark.parametrize("note", [0, 12.5, True])
def test_a_note_must_be_a_json_string(api_client_for, user, note):
    body = {"funnel": str(_funnel(user).pk), "amount": "1", "spent_at": WHEN, "note": note}
    response = api_client_for(user).post("/api/v1/spendings/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"note": ["Not a valid string."]}
    assert not Spending.objects.filter(spent_at=WHEN).exists()


def test_an_income_source_must_be_a_json_string(api_client_for, user):
    body = {"amount": "5.00", "source": 42, "received_at": WHEN}
    response = api_client_for(user).post("/api/v1/incomes/", body, format="json")
    assert response.json() == {"source": ["Not a valid string."]}


@pytest.mark.parametrize(("field", "value"), [("shared", 1), ("position", "3"), ("color", 123)])
def test_funnel_fields_must_have_their_json_type(api_client_for, user, field, value):
    funnel = _funnel(user)
    before = (funnel.is_shared, funnel.position, funnel.color)
    response = api_client_for(user).patch(
        f"/api/v1/funnels/{funnel.pk}/", {field: value}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    funnel.refresh_from_db()
    assert (funnel.is_shared, funnel.position, funnel.color) == before


def test_a_position_of_twelve_point_zero_is_not_an_integer(api_client_for, user):
    funnel = _funnel(user)
    response = api_client_for(user).patch(
        f"/api/v1/funnels/{funnel.pk}/", {"position": 12.0}, format="json"
    )
    assert response.json() == {"position": ["A valid integer is required."]}


def test_period_start_day_must_be_a_json_integer(api_client_for, user):
    response = api_client_for(user).patch(
        "/api/v1/household/", {"period_start_day": "5"}, format="json"
    )
    assert response.json() == {"period_start_day": ["A valid integer is required."]}
    assert Household.objects.get(pk=user.household_id).period_start_day == 1


@pytest.mark.parametrize("field", ["id", "funnel"])
def test_a_uuid_must_be_a_json_string(api_client_for, user, field):
    body = {"id": str(uuid.uuid4()), "funnel": str(_funnel(user).pk), "amount": "1"}
    body[field] = 12345
    response = api_client_for(user).post("/api/v1/spendings/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert "valid UUID" in response.json()[field][0]


def test_a_name_longer_than_the_schemas_max_length_is_refused_even_with_spaces_around(
    api_client_for, user
):
    """maxLength (40) counts what is sent: the server no longer trims first and then counts."""
    body = {"name": "\t" + "n" * 40, "emoji": "🎉", "color": "#aabbcc", "monthly_limit": "5"}
    response = api_client_for(user).post("/api/v1/funnels/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["Ensure this field has no more than 40 characters."]}
    assert not Funnel.objects.filter(name="n" * 40).exists()
    body["name"] = "\t" + "n" * 39
    assert api_client_for(user).post("/api/v1/funnels/", body, format="json").json()["name"] == (
        "n" * 39
    )


# The name's schema pattern spells out the characters Python counts as spaces (the fuzz sent
# "\x1e\xa0", blank to the server but not to an ECMAScript `\s`).
@pytest.mark.parametrize(
    ("name", "accepted"),
    [("\x1e\xa0", False), ("\u3000\x85", False), ("\t \r", False), ("\ufeffA", True),
     (" Fun ", True)],
)  # fmt: skip
def test_a_funnel_name_of_spaces_alone_is_blank_by_pythons_own_rule(
    api_client_for, user, name, accepted
):
    body = {"name": name, "monthly_limit": "10.00", "color": "#aabbcc", "emoji": "🍞"}
    response = api_client_for(user).post("/api/v1/funnels/", body, format="json")
    if accepted:
        assert response.status_code == 201
        assert Funnel.objects.filter(pk=response.json()["id"]).exists()
    else:
        assert response.status_code == 400
        assert response.json() == {"name": ["This field may not be blank."]}
        assert not Funnel.objects.filter(name=name).exists()


def test_the_schema_states_the_same_spaces():
    from budget.api import NAME_PATTERN, SPACES

    assert SPACES in NAME_PATTERN
    assert "\\s" not in NAME_PATTERN
