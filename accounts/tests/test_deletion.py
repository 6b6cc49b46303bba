"""Account deletion (SPEC §3.6): what goes, what stays, ownership, nothing orphaned."""

from __future__ import annotations

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
from accounts.services import (
    account_delete,
    invite_create,
    recovery_codes_reset,
    reenrolment_link_issue,
    user_delete,
)
from accounts.tests.factories import totp_code, totp_device
from accounts.tokens import token_pair_for
from funnels.models import Funnel, Spending
from funnels.tests.factories import FunnelFactory, SpendingFactory

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
