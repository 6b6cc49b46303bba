from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import HouseholdFactory, UserFactory
from funnels.models import Funnel, Spending


class FunnelFactory(factory.django.DjangoModelFactory):
    """A shared funnel by default; pass owner=user for a personal one."""

    class Meta:
        model = Funnel

    household = factory.SubFactory(HouseholdFactory)
    owner = None
    name = factory.Sequence(lambda n: f"Funnel {n}")
    emoji = "🍞"
    color = "#ffa500"
    monthly_limit = Decimal("2000.00")
    position = factory.Sequence(int)


class SpendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spending

    funnel = factory.SubFactory(FunnelFactory)
    created_by = factory.SubFactory(
        UserFactory, household=factory.SelfAttribute("..funnel.household")
    )
    amount = Decimal("10.00")
    spent_at = factory.LazyFunction(timezone.now)
    note = ""
