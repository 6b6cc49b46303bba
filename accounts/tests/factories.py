from __future__ import annotations

import time

import factory
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import Household, Role, User


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.Sequence(lambda n: f"Household {n}")
    timezone = "UTC"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("first_name")
    household = factory.SubFactory(HouseholdFactory)
    role = Role.MEMBER
    password = factory.LazyFunction(lambda: make_password(None))  # no usable password


def totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    """An authenticator for `user` (confirmed unless told otherwise)."""
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=confirmed)


def totp_code(device: TOTPDevice, *, steps: int = 0) -> str:
    """The real 6-digit code of `device` now (or `steps` time steps from now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def totp_code_fresh(device: TOTPDevice) -> str:
    """A code the device has not accepted yet: forget the last accepted step first.

    For tests that sign the same user in several times within one 30-second step.
    """
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return totp_code(device)


def browser_login(device: TOTPDevice) -> Client:
    """A browser client signed in as the device's user with a fresh code."""
    client = Client(HTTP_USER_AGENT="Firefox on a phone")
    response = client.post(
        reverse("accounts:login"),
        {"username": device.user.username, "code": totp_code_fresh(device)},
    )
    assert response.status_code == 302
    return client


def api_login(device: TOTPDevice) -> dict[str, str]:
    """The token pair of an API sign-in as the device's user with a fresh code."""
    response = APIClient().post(
        "/api/v1/auth/login/",
        {"username": device.user.username, "code": totp_code_fresh(device)},
        format="json",
    )
    assert response.status_code == 200
    return response.json()


def bearer(token: str) -> APIClient:
    """An API client that sends `token` as its bearer token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client
