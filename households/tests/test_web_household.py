"""The household and account pages, on the accounts services, with real TOTP codes."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Household, Invite, ReenrolmentLink, Role, User
from accounts.services import recovery_codes_reset
from funnels.models import Funnel, Spending
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db


def authenticator_of(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


# --- Household -------------------------------------------------------------------------------


def test_household_page_lists_members_and_owner_tools(client, alice, member):
    content = client.get("/household/").content.decode()
    assert alice.name in content
    assert member.name in content
    assert f"/household/members/{member.username}/remove/" in content
    assert f"/household/members/{alice.username}/remove/" not in content
    assert "Create an invite link" in content
    assert 'name="currency"' in content


def test_members_see_no_owner_tools(client, user, member):
    client.force_login(member)
    content = client.get("/household/").content.decode()
    assert user.name in content
    assert "Create an invite link" not in content
    assert "/remove/" not in content
    assert "Only the owner of the household changes its settings." in content


def test_owner_creates_and_revokes_an_invite(client, alice):
    response = client.post("/household/invites/")
    assert response.status_code == 302
    invite = Invite.objects.get(household=alice.household)
    page = client.get("/household/").content.decode()
    assert f"http://testserver/invite/{invite.code}/" in page
    response = client.post(f"/household/invites/{invite.code}/revoke/")
    assert response.status_code == 302
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    assert f"/invite/{invite.code}/" not in client.get("/household/").content.decode()


def test_members_cannot_create_or_revoke_invites(client, user, member):
    client.force_login(user)
    client.post("/household/invites/")
    invite = Invite.objects.get()
    client.force_login(member)
    assert client.post("/household/invites/").status_code == 403
    assert client.post(f"/household/invites/{invite.code}/revoke/").status_code == 403
    assert Invite.objects.count() == 1
    invite.refresh_from_db()
    assert invite.revoked_at is None


def test_invites_of_other_households_are_404(client, alice, stranger):
    client.force_login(stranger)
    client.post("/household/invites/")
    code = Invite.objects.get().code
    client.force_login(alice)
    assert client.post(f"/household/invites/{code}/revoke/").status_code == 404
    assert Invite.objects.get().revoked_at is None


def test_owner_changes_the_settings(client, alice):
    response = client.post(
        "/household/",
        {
            "name": "The Smiths",
            "currency": "usd",
            "timezone": "Europe/Berlin",
            "period_start_day": "15",
            "allowance_mode": "even",
        },
    )
    assert response.status_code == 302
    household = Household.objects.get(pk=alice.household_id)
    assert (
        household.name,
        household.currency,
        household.timezone,
        household.period_start_day,
        household.allowance_mode,
    ) == ("The Smiths", "USD", "Europe/Berlin", 15, "even")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Name the household."),
        ({"currency": "EURO"}, "at most 3 characters"),
        ({"currency": "E1"}, "at least 3 characters"),
        ({"currency": "12€"}, "three-letter ISO 4217"),
        ({"timezone": "Mars/Olympus"}, "is not a known time zone"),
        ({"period_start_day": "29"}, "Pick a day from 1 to 28."),
        ({"period_start_day": "x"}, "Pick a day from 1 to 28."),
        ({"allowance_mode": "fast"}, "Select a valid choice."),
    ],
)
def test_bad_settings_show_a_message_and_change_nothing(client, alice, changes, message):
    data = {
        "name": "Home",
        "currency": "EUR",
        "timezone": "UTC",
        "period_start_day": "1",
        "allowance_mode": "pace",
        **changes,
    }
    response = client.post("/household/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    household = Household.objects.get(pk=alice.household_id)
    assert household.name == alice.household.name


def test_members_cannot_change_the_settings(client, user, member):
    client.force_login(member)
    data = {
        "name": "Mine now",
        "currency": "EUR",
        "timezone": "UTC",
        "period_start_day": "1",
        "allowance_mode": "pace",
    }
    assert client.post("/household/", data).status_code == 403
    assert Household.objects.get(pk=user.household_id).name != "Mine now"


def test_owner_removes_a_member_after_confirming(client, alice, member):
    shared = FunnelFactory(household=alice.household)
    SpendingFactory(funnel=shared, created_by=member)
    page = client.get(f"/household/members/{member.username}/remove/")
    assert page.status_code == 200
    assert User.objects.filter(pk=member.pk).exists()
    response = client.post(f"/household/members/{member.username}/remove/")
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert not Funnel.objects.filter(owner_id=member.pk).exists()
    assert Spending.objects.get().created_by is None


def test_members_cannot_remove_anyone(client, user, member):
    client.force_login(member)
    assert client.post(f"/household/members/{user.username}/remove/").status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_cannot_remove_someone_from_another_household(client, alice, stranger):
    assert client.post(f"/household/members/{stranger.username}/remove/").status_code == 404
    assert User.objects.filter(pk=stranger.pk).exists()


def test_owner_issues_a_reenrolment_link(client, alice, member):
    response = client.post(f"/household/members/{member.username}/reenrol/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "http://testserver/reenrol/" in response.content.decode()
    assert ReenrolmentLink.objects.filter(user=member, created_by=alice).count() == 1


def test_members_cannot_issue_reenrolment_links(client, user, member):
    client.force_login(member)
    assert client.post(f"/household/members/{user.username}/reenrol/").status_code == 403
    assert not ReenrolmentLink.objects.exists()


# --- Account ---------------------------------------------------------------------------------


def test_account_page_shows_the_active_device(client, alice):
    content = client.get("/account/").content.decode()
    assert "Signed-in device" in content
    assert "Since" in content
    assert alice.username in content


def test_change_display_name(client, alice):
    assert client.post("/account/", {"display_name": "  Ali  "}).status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Ali"
    response = client.post("/account/", {"display_name": "x" * 81})
    assert response.status_code == 422
    alice.refresh_from_db()
    assert alice.display_name == "Ali"


def test_regenerate_recovery_codes_needs_a_current_code(client, alice):
    device = authenticator_of(alice)
    old = recovery_codes_reset(user=alice)
    response = client.post("/account/recovery-codes/", {"codes-code": "000000"})
    assert response.status_code == 422
    content = response.content.decode()
    assert "That code is not right." in content
    # The error sits under the code field it belongs to, and the field points at it.
    assert 'name="codes-code"' in content
    assert 'aria-invalid="true" aria-describedby="codes-errors"' in content
    assert 'id="codes-errors"' in content
    assert 'aria-describedby="reenrol-errors"' not in content

    response = client.post("/account/recovery-codes/", {"codes-code": current_code(device)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode()
    assert content.count("<li><code>") == 10
    assert old[0] not in content
    # The old codes no longer work; a new one does, once.
    assert client.post("/account/recovery-codes/", {"codes-code": old[1]}).status_code == 422


def test_reenrol_authenticator_with_current_then_new_code(client, alice):
    old_device = authenticator_of(alice)
    response = client.post(
        "/account/authenticator/", {"step": "start", "reenrol-code": current_code(old_device)}
    )
    assert response.status_code == 302
    page = client.get("/account/authenticator/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    new_device = TOTPDevice.objects.get(user=alice, confirmed=False)

    response = client.post("/account/authenticator/", {"step": "confirm", "code": "123"})
    assert response.status_code == 422
    response = client.post(
        "/account/authenticator/", {"step": "confirm", "code": current_code(new_device)}
    )
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=alice).values_list("pk", "confirmed")) == [
        (new_device.pk, True)
    ]


def test_reenrol_start_with_a_wrong_code_is_refused(client, alice):
    authenticator_of(alice)
    response = client.post("/account/authenticator/", {"step": "start", "reenrol-code": "999999"})
    assert response.status_code == 422
    assert "That code is not right." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=alice, confirmed=False).exists()


def test_delete_account_needs_a_current_code(client, alice, member):
    device = authenticator_of(alice)
    response = client.post("/account/delete/", {"code": "000000"})
    assert response.status_code == 422
    assert User.objects.filter(pk=alice.pk).exists()

    response = client.post("/account/delete/", {"code": current_code(device)})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    # The longest-standing remaining member becomes the owner; alice is signed out.
    assert User.objects.get(pk=member.pk).role == Role.OWNER
    assert client.get("/").status_code == 302


def test_a_field_error_stands_where_the_input_points_to_it(client, alice):
    data = {"name": "Home", "currency": "E1", "timezone": "UTC", "period_start_day": "1"}
    content = client.post("/household/", {**data, "allowance_mode": "pace"}).content.decode()
    assert 'aria-describedby="h-currency-help h-currency-errors"' in content
    assert (
        '<span class="error" id="h-currency-errors" role="alert">'
        "Ensure this value has at least 3 characters (it has 2).</span>"
    ) in content


def test_code_fields_that_take_recovery_codes_open_a_text_keyboard(client, alice):
    for url in ("/account/", "/account/delete/"):
        content = client.get(url).content.decode()
        fields = re.findall(r'<input[^>]*autocomplete="one-time-code"[^>]*>', content)
        assert fields, url
        assert all('inputmode="text"' in field for field in fields), url


def test_the_family_page_leads_to_export_and_import_and_only_the_owner_to_backup(
    client, user, member
):
    client.force_login(user)
    owner_page = client.get("/household/").content.decode()
    for url in ("/export/", "/import/", "/household/backup/"):
        assert f'href="{url}"' in owner_page
    client.force_login(member)
    member_page = client.get("/household/").content.decode()
    assert 'href="/export/"' in member_page
    assert 'href="/household/backup/"' not in member_page
