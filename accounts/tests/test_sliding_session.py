"""Browser sessions slide: renewed for another 30 days at most once a day, not on every request."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.middleware import SESSION_RENEW_AFTER, SESSION_RENEWED_KEY

pytestmark = pytest.mark.django_db


def _stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_fresh_session_is_not_written_on_every_request(client, user):
    client.force_login(user)
    before = _stored(client).expire_date
    client.get("/")
    assert _stored(client).expire_date == before


def test_a_day_old_session_is_renewed_for_another_30_days(client, user, settings):
    client.force_login(user)
    session = client.session
    session[SESSION_RENEWED_KEY] = int(time.time()) - SESSION_RENEW_AFTER - 1
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timezone.timedelta(days=2)
    )
    response = client.get("/")
    assert response.status_code == 200
    renewed = _stored(client)
    assert renewed.expire_date > timezone.now() + timezone.timedelta(days=29)
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    assert renewed.get_decoded()[SESSION_RENEWED_KEY] >= int(time.time()) - 5


def test_anonymous_requests_create_no_session(client):
    client.get("/login/")
    assert not Session.objects.exists()
