"""The daily clean-up of expired sign-in state (households.services.expired_state_flush)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import (
    DeviceSession,
    Invite,
    ReenrolmentLink,
)
from accounts.services.registration import pending_registrations_flush

# --- Daily clean-up ----------------------------------------------------------------------------

KEEP_FINISHED = timedelta(days=30)


def sign_in_state_flush() -> dict[str, int]:
    """Delete expired sign-in state; returns counts by kind."""
    now = timezone.now()
    old = now - KEEP_FINISHED
    counts = {"pending registrations": pending_registrations_flush()}
    counts["refresh tokens"] = (
        OutstandingToken.objects.filter(expires_at__lte=now)
        .delete()[1]
        .get("token_blacklist.OutstandingToken", 0)
    )
    counts["device sessions"] = DeviceSession.objects.filter(ended_at__lte=old).delete()[0]
    counts["invites"] = Invite.objects.filter(
        models.Q(expires_at__lte=old) | models.Q(used_at__lte=old) | models.Q(revoked_at__lte=old)
    ).delete()[0]
    counts["re-enrolment links"] = ReenrolmentLink.objects.filter(
        models.Q(expires_at__lte=now) | models.Q(used_at__isnull=False)
    ).delete()[0]
    counts["browser sessions"] = Session.objects.filter(expire_date__lte=now).delete()[0]
    return counts
