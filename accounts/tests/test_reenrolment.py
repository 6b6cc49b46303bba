"""Re-enrolment links (docs/rules.md §3.5): owner-issued, one-time, expiring; the new phone
signs in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ReenrolmentLink
from accounts.services import reenrolment_link_issue
from accounts.tests.factories import totp_code, totp_device

pytestmark = pytest.mark.django_db


def _new_device(member) -> TOTPDevice:
    return TOTPDevice.objects.filter(user=member, confirmed=False).get()


def test_member_enrols_a_new_phone_through_the_link_and_is_signed_in(user, member):
    old = totp_device(member)
    token = reenrolment_link_issue(issued_by=user, user=member)
    assert not ReenrolmentLink.objects.filter(token_hash=token).exists()  # only a hash is kept
    client = Client()

    page = client.get(f"/reenrol/{token}/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "<svg" in page.content.decode()
    new = _new_device(member)
    assert client.get(f"/reenrol/{token}/").status_code == 200
    assert _new_device(member) == new  # reloading shows the same QR code

    response = client.post(f"/reenrol/{token}/", {"code": totp_code(new)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert list(TOTPDevice.objects.filter(user=member)) == [TOTPDevice.objects.get(pk=new.pk)]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()

    # One time only.
    assert Client().get(f"/reenrol/{token}/").status_code == 404


def test_a_wrong_code_on_the_link_changes_nothing(user, member):
    old = totp_device(member)
    token = reenrolment_link_issue(issued_by=user, user=member)
    client = Client()
    client.get(f"/reenrol/{token}/")
    response = client.post(f"/reenrol/{token}/", {"code": totp_code(old)})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_an_expired_or_unknown_link_is_a_404(user, member):
    token = reenrolment_link_issue(issued_by=user, user=member)
    ReenrolmentLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(f"/reenrol/{token}/").status_code == 404
    assert Client().get("/reenrol/nonsense/").status_code == 404


def test_a_new_link_replaces_the_previous_one(user, member):
    first = reenrolment_link_issue(issued_by=user, user=member)
    second = reenrolment_link_issue(issued_by=user, user=member)
    assert Client().get(f"/reenrol/{first}/").status_code == 404
    assert Client().get(f"/reenrol/{second}/").status_code == 200


def test_only_the_owner_of_the_household_issues_links(user, member, stranger):
    with pytest.raises(PermissionDenied):
        reenrolment_link_issue(issued_by=member, user=user)
    with pytest.raises(PermissionDenied):
        reenrolment_link_issue(issued_by=stranger, user=member)
    assert not ReenrolmentLink.objects.exists()
