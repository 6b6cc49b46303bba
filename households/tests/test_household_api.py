"""PATCH household/, invites and members (docs/rules.md §5.2): owner only, isolation by
household."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Invite, Role, User
from funnels.models import Funnel, Spending
from funnels.tests.factories import FunnelFactory, SpendingFactory
from households.services import invite_create

pytestmark = pytest.mark.django_db

HOUSEHOLD = "/api/v1/household/"
INVITES = "/api/v1/household/invites/"


def test_owner_changes_household_settings(api_client_for, user):
    body = {
        "name": "Home",
        "currency": "usd",
        "timezone": "Europe/Berlin",
        "period_start_day": 15,
        "allowance_mode": "even",
    }
    response = api_client_for(user).patch(HOUSEHOLD, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["currency"] == "USD"
    household = user.household
    household.refresh_from_db()
    assert (household.name, household.currency, household.timezone) == (
        "Home",
        "USD",
        "Europe/Berlin",
    )
    assert household.period_start_day == 15
    assert household.allowance_mode == "even"


@pytest.mark.parametrize(
    "body",
    [
        {"timezone": "Mars/Olympus"},
        {"currency": "EURO"},
        {"currency": "E1R"},
        {"period_start_day": 29},
        {"period_start_day": 0},
        {"period_start_day": "x"},
        {"allowance_mode": "fast"},
        {"name": ""},
        {"name": 5},
    ],
)
def test_bad_household_settings_are_a_400_and_change_nothing(api_client_for, user, body):
    response = api_client_for(user).patch(HOUSEHOLD, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == set(body)
    user.household.refresh_from_db()
    assert user.household.period_start_day == 1


def test_members_cannot_change_household_settings(api_client_for, member):
    response = api_client_for(member).patch(HOUSEHOLD, {"name": "Mine"}, format="json")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_owner_creates_lists_and_revokes_invites(api_client_for, user):
    client = api_client_for(user)
    response = client.post(INVITES)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"code", "url", "expires_at"}
    assert body["url"] == f"http://testserver/invite/{body['code']}/"
    invite = Invite.objects.get(code=body["code"])
    assert invite.expires_at - invite.created_at == timedelta(days=7)

    assert [i["code"] for i in client.get(INVITES).json()] == [body["code"]]
    assert client.delete(f"{INVITES}{body['code']}/").status_code == 204
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    assert client.get(INVITES).json() == []


def test_invite_codes_are_url_safe_and_unguessable(user):
    codes = {invite_create(user=user).code for _ in range(20)}
    assert len(codes) == 20
    assert all(
        len(code) >= 20 and code.replace("-", "").replace("_", "").isalnum() for code in codes
    )


def test_used_and_expired_invites_are_not_listed(api_client_for, user):
    used = invite_create(user=user)
    Invite.objects.filter(pk=used.pk).update(used_at=timezone.now())
    expired = invite_create(user=user)
    Invite.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert api_client_for(user).get(INVITES).json() == []


def test_members_cannot_manage_invites(api_client_for, user, member):
    invite = invite_create(user=user)
    client = api_client_for(member)
    assert client.get(INVITES).status_code == 403
    assert client.post(INVITES).status_code == 403
    assert client.delete(f"{INVITES}{invite.code}/").status_code == 403
    invite.refresh_from_db()
    assert invite.revoked_at is None


def test_another_households_invite_is_a_404(api_client_for, user, stranger):
    invite = invite_create(user=user)
    response = api_client_for(stranger).delete(f"{INVITES}{invite.code}/")
    assert response.status_code == 404
    assert api_client_for(stranger).delete(f"{INVITES}nope/").status_code == 404
    invite.refresh_from_db()
    assert invite.revoked_at is None


def test_owner_removes_a_member_like_an_account_deletion(api_client_for, user, member):
    shared = FunnelFactory(household=user.household, owner=None)
    kept = SpendingFactory(funnel=shared, created_by=member)
    personal = Funnel.objects.filter(owner=member).first()
    gone = SpendingFactory(funnel=personal, created_by=member)
    member_client = api_client_for(member)

    response = api_client_for(user).delete(f"/api/v1/household/members/{member.username}/")

    assert response.status_code == 204
    assert not User.objects.filter(pk=member.pk).exists()
    assert not Funnel.objects.filter(owner_id=member.pk).exists()
    assert not Spending.objects.filter(pk=gone.pk).exists()
    kept.refresh_from_db()
    assert kept.created_by is None
    assert member_client.get("/api/v1/me/").status_code == 401


def test_members_cannot_remove_anyone(api_client_for, user, member):
    response = api_client_for(member).delete(f"/api/v1/household/members/{user.username}/")
    assert response.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_removing_someone_of_another_household_is_a_404(api_client_for, user, stranger):
    response = api_client_for(stranger).delete(f"/api/v1/household/members/{user.username}/")
    assert response.status_code == 404
    assert api_client_for(user).delete("/api/v1/household/members/nobody/").status_code == 404
    assert User.objects.filter(pk=user.pk).exists()


def test_the_owner_cannot_remove_themselves(api_client_for, user, member):
    response = api_client_for(user).delete(f"/api/v1/household/members/{user.username}/")
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.role == Role.OWNER


def test_household_endpoints_need_a_token(api_client):
    assert api_client.patch(HOUSEHOLD, {}, format="json").status_code == 401
    assert api_client.get(INVITES).status_code == 401
    assert api_client.delete(f"{INVITES}x/").status_code == 401
    assert api_client.delete("/api/v1/household/members/x/").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "posixrules"}, "timezone"),
        ({"timezone": " Europe/Berlin"}, "timezone"),
        ({"currency": " eu"}, "currency"),
        ({"currency": "E1R"}, "currency"),
        ({"name": "  "}, "name"),
        ({"name": "A\u0000B"}, "name"),
    ],
)
def test_household_update_refuses_what_its_schema_refuses(api_client_for, user, body, field):
    response = api_client_for(user).patch("/api/v1/household/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_household_schema_lists_the_time_zones_and_states_the_currency(api_client_for, user):
    import zoneinfo

    schema = api_client_for(user).get("/api/v1/schema/?format=json").json()
    update = schema["components"]["schemas"]["PatchedHouseholdUpdateRequest"]["properties"]
    assert update["timezone"] == {"$ref": "#/components/schemas/TimezoneEnum"}
    zones = schema["components"]["schemas"]["TimezoneEnum"]["enum"]
    assert set(zones) == zoneinfo.available_timezones()
    assert update["currency"]["pattern"] == "^[A-Za-z]{3}$"
