"""The admin (docs/rules.md §3.7): TOTP sign-in only, household-scoped staff, actions, deletions
through the services, createadmin."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import RecoveryCode, ReenrolmentLink, Role, User
from accounts.tests.factories import totp_code, totp_device
from funnels.models import Funnel
from funnels.tests.factories import SpendingFactory

pytestmark = pytest.mark.django_db


def _admin_login(user: User) -> Client:
    client = Client()
    device = TOTPDevice.objects.filter(user=user).first() or totp_device(user)
    response = client.post(
        "/login/", {"username": user.username, "code": totp_code(device), "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    return client


def _sent_to_login(client: Client) -> bool:
    """The admin answers with redirects that end on the TOTP sign-in page, coming back after."""
    response = client.get("/admin/", follow=True)
    return response.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2F" and (
        response.templates[0].name == "accounts/login.html"
    )


def test_admin_sends_visitors_to_the_totp_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2F"
    assert response.status_code == 200


def test_there_is_no_admin_password_form(client, user):
    user.is_staff = True
    user.is_superuser = True
    user.save()
    response = client.post("/admin/login/", {"username": "alice", "password": "anything"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert _sent_to_login(client)


def test_staff_signed_in_with_totp_reach_the_admin(staff):
    client = _admin_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Site administration" in response.content.decode()


def test_a_session_not_signed_in_with_a_code_is_not_enough_for_the_admin(client, staff):
    client.force_login(staff)  # no TOTP step: not verified
    assert _sent_to_login(client)


def test_members_who_are_not_staff_do_not_reach_the_admin(user):
    client = Client()
    device = totp_device(user)
    client.post("/login/", {"username": "alice", "code": totp_code(device)})
    assert client.get("/").templates[0].name == "funnels/dashboard.html"
    assert _sent_to_login(client)


def test_admin_logout_ends_the_device_session(staff):
    client = _admin_login(staff)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.current_device_session_id is None
    assert _sent_to_login(client)


def test_non_superuser_staff_see_only_their_household(staff, member, stranger):
    SpendingFactory(funnel=Funnel.objects.filter(owner=stranger).first(), created_by=stranger)
    SpendingFactory(funnel=Funnel.objects.filter(owner=member).first(), created_by=member)
    client = _admin_login(staff)

    users = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "bob" in users
    assert "mallory" not in users
    funnels = client.get(reverse("admin:funnels_funnel_changelist"))
    assert len(funnels.context["cl"].result_list) == 4  # alice's and bob's Food and Misc
    spendings = client.get(reverse("admin:funnels_spending_changelist"))
    assert [s.created_by for s in spendings.context["cl"].result_list] == [member]
    households = client.get(reverse("admin:accounts_household_changelist"))
    assert list(households.context["cl"].result_list) == [staff.household]
    other = reverse("admin:accounts_user_change", args=[stranger.pk])
    # Another household's rows "don't exist": back to the admin index, with that message.
    for url in (other, reverse("admin:accounts_household_change", args=[stranger.household_id])):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
        index = client.get(response["Location"]).content.decode()
        assert "doesn’t exist. Perhaps it was deleted?" in index


def test_superusers_see_every_household(user, stranger):
    user.is_staff = True
    user.is_superuser = True
    user.save()
    client = _admin_login(user)
    users = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "mallory" in users


def test_admin_actions_call_the_services(staff, member):
    client = _admin_login(staff)
    url = reverse("admin:accounts_user_changelist")
    response = client.post(
        url,
        {"action": "issue_reenrolment_link", "_selected_action": [member.pk]},
        follow=True,
    )
    text = response.content.decode()
    token = re.search(r"/reenrol/([\w-]+)/", text).group(1)
    assert ReenrolmentLink.objects.filter(user=member).count() == 1
    link_page = Client().get(f"/reenrol/{token}/")
    assert link_page.status_code == 200
    assert link_page.templates[0].name == "accounts/enrol.html"

    response = client.post(
        url,
        {"action": "regenerate_recovery_codes", "_selected_action": [member.pk]},
        follow=True,
    )
    assert RecoveryCode.objects.filter(device__user=member).count() == 10
    assert "New recovery codes for bob" in response.content.decode()


def test_createadmin_prints_the_enrolment_and_the_first_sign_in_confirms_it(db):
    out = io.StringIO()
    call_command("createadmin", "root", stdout=out)
    text = out.getvalue()
    admin = User.objects.get(username="root")
    device = TOTPDevice.objects.get(user=admin)
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.household is not None
    assert admin.is_owner
    assert not device.confirmed
    assert "otpauth://totp/Funnels%3Aroot?" in text
    assert "Secret (to type by hand):" in text
    assert "█" in text or "▀" in text  # the QR code, in the terminal
    assert not admin.has_usable_password()

    client = _admin_login(admin)
    device.refresh_from_db()
    assert device.confirmed
    assert "Site administration" in client.get("/admin/").content.decode()


def test_createadmin_refuses_a_taken_username(user):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="taken"):
        call_command("createadmin", "ALICE", stdout=io.StringIO())


# --- Deleting users and households goes through the services ----------------------------------


def _shared_spending_of(member: User):
    from funnels.tests.factories import FunnelFactory

    shared = FunnelFactory(household=member.household, owner=None)
    return SpendingFactory(funnel=shared, created_by=member)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_admin_delete_of_a_user_is_the_account_deletion(staff, member):
    from django.contrib.admin.models import DELETION, LogEntry

    from accounts.tokens import token_pair_for
    from funnels.models import Spending

    spending = _shared_spending_of(member)
    before = spending.updated_at
    token_pair_for(member)
    client = _admin_login(staff)

    url = reverse("admin:accounts_user_delete", args=[member.pk])
    response = client.post(url, {"post": "yes"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:accounts_user_changelist")
    assert not User.objects.filter(pk=member.pk).exists()
    kept = Spending.objects.get(pk=spending.pk)  # shared spendings stay, by a former member
    assert kept.created_by is None
    assert kept.updated_at > before  # so that syncing phones learn of it
    assert not OutstandingToken.objects.filter(user_id=member.pk).exists()
    assert LogEntry.objects.filter(action_flag=DELETION, object_id=str(member.pk)).count() == 1


def test_admin_delete_of_the_owner_hands_the_household_over(user, member, stranger):
    stranger.is_staff = stranger.is_superuser = True
    stranger.save()
    client = _admin_login(stranger)

    url = reverse("admin:accounts_user_delete", args=[user.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302

    member.refresh_from_db()
    assert member.role == Role.OWNER
    assert not User.objects.filter(pk=user.pk).exists()


def test_a_refused_admin_delete_is_an_error_message_and_changes_nothing(staff):
    from django.contrib.admin.models import LogEntry

    client = _admin_login(staff)
    url = reverse("admin:accounts_user_delete", args=[staff.pk])
    response = client.post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    change = reverse("admin:accounts_user_change", args=[staff.pk])
    assert response.redirect_chain == [(change, 302)]
    assert _messages(response) == [
        "You cannot delete your own account here: use the Account page, with a current code."
    ]
    assert User.objects.filter(pk=staff.pk).exists()
    assert not LogEntry.objects.exists()


def test_admin_bulk_delete_calls_the_service_for_each_user_and_reports_refusals(
    staff, member, make_member
):
    from django.contrib.admin.models import LogEntry

    carol = make_member("carol", household=staff.household)
    spending = _shared_spending_of(carol)
    client = _admin_login(staff)
    url = reverse("admin:accounts_user_changelist")
    selected = {"action": "delete_selected", "_selected_action": [staff.pk, member.pk, carol.pk]}

    confirm = client.post(url, selected)
    assert confirm.status_code == 200
    assert "<title>Delete multiple objects" in confirm.content.decode()
    assert User.objects.filter(pk__in=[member.pk, carol.pk]).count() == 2

    response = client.post(url, {**selected, "post": "yes"}, follow=True)

    assert sorted(_messages(response)) == [
        "Deleted 2 users.",
        "alice: You cannot delete your own account here: use the Account page, with a current "
        "code.",
    ]
    assert list(User.objects.filter(household=staff.household)) == [staff]
    spending.refresh_from_db()
    assert spending.created_by is None
    assert sorted(LogEntry.objects.values_list("object_repr", flat=True)) == ["bob", "carol"]


def test_staff_who_are_not_superusers_cannot_delete_users_of_another_household(staff, stranger):
    client = _admin_login(staff)
    url = reverse("admin:accounts_user_delete", args=[stranger.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert _messages(response) == [
        f"user with ID “{stranger.pk}” doesn’t exist. Perhaps it was deleted?"
    ]
    changelist = reverse("admin:accounts_user_changelist")
    selected = {"action": "delete_selected", "_selected_action": [stranger.pk], "post": "yes"}
    response = client.post(changelist, selected, follow=True)
    assert _messages(response) == []  # the other household's rows are not in the queryset
    assert User.objects.filter(pk=stranger.pk).exists()


def test_staff_who_are_not_superusers_edit_only_their_household_and_never_move_people(
    staff, member, stranger
):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    client = _admin_login(staff)
    own = client.get(reverse("admin:accounts_user_change", args=[member.pk]))
    assert own.status_code == 200
    assert "bob" in own.content.decode()
    hidden = client.get(reverse("admin:accounts_user_change", args=[stranger.pk]), follow=True)
    assert hidden.redirect_chain[-1][0] == reverse("admin:index")
    assert "doesn’t exist" in _messages(hidden)[0]

    request = RequestFactory().get("/admin/")
    request.user = staff
    form = site._registry[User].get_form(request, member)
    assert {"household", "role", "is_staff", "is_superuser"}.isdisjoint(form.base_fields)
    request.user = stranger
    stranger.is_superuser = True
    form = site._registry[User].get_form(request, member)
    assert {"household", "role"}.isdisjoint(form.base_fields)
    assert "is_staff" in form.base_fields


def test_the_make_owner_action_hands_the_household_over(staff, member):
    client = _admin_login(staff)
    url = reverse("admin:accounts_user_changelist")
    response = client.post(
        url, {"action": "make_owner", "_selected_action": [member.pk]}, follow=True
    )
    assert _messages(response) == [f"bob now owns {staff.household}."]
    staff.refresh_from_db()
    member.refresh_from_db()
    assert (staff.role, member.role) == (Role.MEMBER, Role.OWNER)


def test_admin_delete_of_a_household_signs_its_members_out_and_refuses_ones_own(
    user, stranger, api_client_for
):
    from accounts.models import Household
    from accounts.tokens import token_pair_for

    token_pair_for(stranger)
    user.is_staff = user.is_superuser = True
    user.save()
    client = _admin_login(user)

    own = reverse("admin:accounts_household_delete", args=[user.household_id])
    response = client.post(own, {"post": "yes"}, follow=True)
    assert _messages(response) == ["You cannot delete your own household here."]
    assert Household.objects.filter(pk=user.household_id).exists()

    other = reverse("admin:accounts_household_delete", args=[stranger.household_id])
    assert client.post(other, {"post": "yes"}).status_code == 302
    assert not Household.objects.filter(pk=stranger.household_id).exists()
    assert not User.objects.filter(pk=stranger.pk).exists()
    assert not OutstandingToken.objects.filter(user__isnull=True).exists()
