"""GET/PATCH/DELETE /api/v1/me/ (docs/rules.md §5.2)."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.tests.factories import totp_code, totp_device

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_me_describes_the_user_and_household(api_client_for, user, member, stranger):
    body = api_client_for(user).get(ME).json()
    household = user.household
    assert body == {
        "username": "alice",
        "display_name": user.display_name,
        "role": "owner",
        "household": {
            "id": str(household.pk),
            "name": household.name,
            "currency": household.currency,
            "timezone": household.timezone,
            "period_start_day": household.period_start_day,
            "allowance_mode": household.allowance_mode,
            "members": [
                {"username": "alice", "display_name": user.display_name, "role": "owner"},
                {"username": "bob", "display_name": member.display_name, "role": "member"},
            ],
        },
    }


def test_patch_me_changes_the_display_name(api_client_for, user):
    response = api_client_for(user).patch(ME, {"display_name": "  Ally "}, format="json")
    assert response.status_code == 200
    assert response.json()["display_name"] == "Ally"
    user.refresh_from_db()
    assert user.display_name == "Ally"


def test_patch_me_is_partial_an_empty_body_changes_nothing(api_client_for, user):
    before = user.display_name
    response = api_client_for(user).patch(ME, {}, format="json")
    assert response.status_code == 200
    assert response.json()["display_name"] == before
    user.refresh_from_db()
    assert user.display_name == before


@pytest.mark.parametrize(
    "body", [{"display_name": "x" * 81}, {"display_name": 5}, {"display_name": "A\u0000B"}]
)
def test_patch_me_bad_input_is_a_400(api_client_for, user, body):
    before = user.display_name
    response = api_client_for(user).patch(ME, body, format="json")
    assert response.status_code == 400
    assert "display_name" in response.json()
    user.refresh_from_db()
    assert user.display_name == before


def test_delete_me_needs_a_current_code(api_client_for, user):
    device = totp_device(user)
    client = api_client_for(user)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.delete(ME, {"code": wrong}, format="json")
    assert response.status_code == 400
    assert "code" in response.json()
    assert client.delete(ME, {}, format="json").status_code == 400
    assert User.objects.filter(pk=user.pk).exists()

    assert client.delete(ME, {"code": totp_code(device)}, format="json").status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert client.get(ME).status_code == 401


def test_me_without_a_token_is_a_401(api_client):
    for method in ("get", "patch", "delete"):
        assert getattr(api_client, method)(ME).status_code == 401
