from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

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
