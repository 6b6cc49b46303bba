"""`manage.py flush_expired`: the daily clean-up removes expired state and nothing live."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.devices import device_session_start
from accounts.models import DeviceSession, Invite, ReenrolmentLink, User
from accounts.services import reenrolment_link_issue, registration_start
from accounts.tokens import token_pair_for, token_pair_rotate
from households.services import invite_create

pytestmark = pytest.mark.django_db


def test_flush_expired_removes_expired_state_only(user, member):
    expired = registration_start(username="late")
    User.objects.filter(pk=expired.user.pk).update(registration_expires_at=timezone.now())
    waiting = registration_start(username="waiting")

    pair = token_pair_for(user)
    token_pair_rotate(raw_refresh=pair["refresh"])  # one blacklisted, one live
    OutstandingToken.objects.filter(token=pair["refresh"]).update(expires_at=timezone.now())

    old_session = device_session_start(user=member, kind="web")
    device_session_start(user=member, kind="api")
    DeviceSession.objects.filter(pk=old_session.pk).update(
        ended_at=timezone.now() - timedelta(days=31)
    )

    stale_invite = invite_create(user=user)
    Invite.objects.filter(pk=stale_invite.pk).update(expires_at=timezone.now() - timedelta(days=31))
    live_invite = invite_create(user=user)
    reenrolment_link_issue(issued_by=user, user=member)
    ReenrolmentLink.objects.update(expires_at=timezone.now())

    out = io.StringIO()
    call_command("flush_expired", stdout=out)

    assert "1 pending registrations" in out.getvalue()
    assert not User.objects.filter(username="late").exists()
    assert User.objects.filter(pk=waiting.user.pk).exists()
    assert OutstandingToken.objects.count() == 1
    assert not BlacklistedToken.objects.exists()
    assert not DeviceSession.objects.filter(pk=old_session.pk).exists()
    assert DeviceSession.objects.filter(user=member).count() == 1
    assert list(Invite.objects.all()) == [live_invite]
    assert not ReenrolmentLink.objects.exists()
