"""Account deletion (docs/rules.md §3.6): what goes, what stays, ownership, nothing orphaned."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import (
    DeviceSession,
    Household,
    Invite,
    RecoveryCode,
    RecoveryDevice,
    ReenrolmentLink,
    Role,
    User,
)
from accounts.services import recovery_codes_reset, reenrolment_link_issue
from accounts.tests.factories import (
    api_login,
    bearer,
    browser_login,
    totp_code,
    totp_device,
)
from accounts.tokens import token_pair_for
from funnels.income import income_create
from funnels.models import Funnel, Income, Spending
from funnels.tests.factories import FunnelFactory, SpendingFactory
from households.services import account_delete, invite_create, user_delete

pytestmark = pytest.mark.django_db


def _give_everything(user: User) -> None:
    totp_device(user)
    recovery_codes_reset(user=user)
    token_pair_for(user)


def test_deleting_an_account_needs_a_current_code(user):
    device = totp_device(user)
    with pytest.raises(ValidationError):
        account_delete(user=user, code="000000")
    assert User.objects.filter(pk=user.pk).exists()
    account_delete(user=user, code=totp_code(device))
    assert not User.objects.filter(pk=user.pk).exists()


def test_deletion_keeps_shared_spendings_as_by_a_former_member(user, member):
    shared = FunnelFactory(household=user.household, owner=None)
    kept = SpendingFactory(funnel=shared, created_by=member)
    personal = Funnel.objects.filter(owner=member)
    gone = [SpendingFactory(funnel=f, created_by=member) for f in personal]
    member_id = member.pk

    user_delete(user=member)

    kept.refresh_from_db()
    assert kept.created_by is None
    assert not Funnel.objects.filter(owner_id=member_id).exists()
    assert not Spending.objects.filter(pk__in=[s.pk for s in gone]).exists()
    assert Funnel.objects.filter(pk=shared.pk).exists()


def test_owner_leaving_passes_ownership_to_the_longest_standing_member(user, make_member):
    first = make_member("bob", household=user.household)
    make_member("carol", household=user.household)
    invite = invite_create(user=user)

    user_delete(user=user)

    first.refresh_from_db()
    assert first.role == Role.OWNER
    assert User.objects.filter(household=first.household, role=Role.OWNER).count() == 1
    invite.refresh_from_db()
    assert invite.created_by is None  # the invite belongs to the household, which stays


def test_deleting_the_last_member_deletes_the_household_and_everything_in_it(user):
    household = user.household
    shared = FunnelFactory(household=household, owner=None)
    SpendingFactory(funnel=shared, created_by=user)
    invite_create(user=user)
    _give_everything(user)

    user_delete(user=user)

    assert not Household.objects.filter(pk=household.pk).exists()
    assert not Funnel.objects.exists()
    assert not Spending.objects.exists()
    assert not Invite.objects.exists()


def test_nothing_is_left_orphaned(user, member):
    _give_everything(member)
    reenrolment_link_issue(issued_by=user, user=member)
    sessions = DeviceSession.objects.filter(user=member).count()
    assert sessions == 1
    member_id = member.pk

    user_delete(user=member)

    assert not TOTPDevice.objects.filter(user_id=member_id).exists()
    assert not RecoveryDevice.objects.filter(user_id=member_id).exists()
    assert not RecoveryCode.objects.filter(device__user_id=member_id).exists()
    assert not DeviceSession.objects.filter(user_id=member_id).exists()
    assert not ReenrolmentLink.objects.filter(user_id=member_id).exists()
    assert not OutstandingToken.objects.filter(user__isnull=True).exists()
    assert not BlacklistedToken.objects.filter(token__user__isnull=True).exists()


def test_a_pending_registration_can_be_deleted(db):
    from accounts.services import registration_start

    enrolment = registration_start(username="zed")
    user_delete(user=enrolment.user)
    assert not User.objects.filter(username="zed").exists()
    assert not TOTPDevice.objects.exists()


# --- Moved from accounts/tests and funnels/tests: deletion through households.services ---------


def test_deleting_an_account_deletes_its_browser_sessions(user):
    from django.contrib.sessions.models import Session

    browser = browser_login(totp_device(user))
    key = browser.session.session_key
    user_delete(user=user)
    assert not Session.objects.filter(session_key=key).exists()
    assert browser.get("/").status_code == 302


def test_refresh_token_of_a_deleted_user_is_a_401(api_client, user):
    pair = api_login(totp_device(user))
    user_delete(user=user)
    assert (
        api_client.post(
            "/api/v1/auth/refresh/", {"refresh": pair["refresh"]}, format="json"
        ).status_code
        == 401
    )
    assert bearer(pair["access"]).get("/api/v1/me/").status_code == 401
    assert not OutstandingToken.objects.exists()


def test_a_deleted_members_spendings_change_for_syncing_phones(user, member):
    from funnels.models import Spending
    from funnels.tests.factories import FunnelFactory, SpendingFactory

    shared = FunnelFactory(household=user.household)
    spending = SpendingFactory(funnel=shared, created_by=member)
    before = Spending.objects.get(pk=spending.pk).updated_at
    user_delete(user=member)
    after = Spending.objects.get(pk=spending.pk)
    assert after.created_by is None
    assert after.updated_at > before


def test_deletion_keeps_shared_income_as_a_former_members_and_drops_private_income(user, member):
    shared = income_create(user=member, amount=Decimal("100.00"), source="Salary", shared=True)
    private = income_create(user=member, amount=Decimal("5.00"), source="Gift", shared=False)

    user_delete(user=member)

    shared.refresh_from_db()
    assert shared.received_by is None
    assert not Income.objects.filter(pk=private.pk).exists()
    assert list(Income.objects.visible_to(user).values_list("pk", flat=True)) == [shared.pk]
