"""Build the benchmark data set of docs/rules.md §7: 1 household, 4 members, 12 funnels, ~100k
spendings."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Household, User
from funnels.models import Funnel, Repeat, Spending
from funnels.planned import planned_create
from funnels.services import funnel_create
from households.services import household_create, household_join

BENCH_HOUSEHOLD = "Benchmark household"
MEMBERS = ("bench-ann", "bench-ben", "bench-cat", "bench-dan")
SHARED = (("Groceries", "🛒", "#4caf50"), ("Home", "🏠", "#795548"),
          ("Car", "🚗", "#3f51b5"), ("Fun", "🎉", "#e91e63"))  # fmt: skip


class Command(BaseCommand):
    help = "Create (or re-create) the benchmark household with about 100,000 spendings."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--spendings", type=int, default=100_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=7)

    @transaction.atomic
    def handle(self, *args: Any, spendings: int, years: int, seed: int, **options: Any) -> None:
        Household.objects.filter(name=BENCH_HOUSEHOLD).delete()
        User.objects.filter(username__in=MEMBERS).delete()
        members = [
            User.objects.create_user(name, display_name=name[6:].title()) for name in MEMBERS
        ]
        household_create(owner=members[0], name=BENCH_HOUSEHOLD)
        for member in members[1:]:
            household_join(user=member, household=members[0].household)
        for name, emoji, color in SHARED:
            funnel_create(
                user=members[0], name=name, emoji=emoji, color=color,
                monthly_limit=Decimal("800.00"), shared=True,
            )  # fmt: skip
        now = timezone.now()
        # The funnels are as old as their spendings: a household of some years has that many
        # closed periods (rollover), and the figures read them on every request.
        Funnel.objects.filter(household=members[0].household).update(
            created_at=now - timedelta(days=365 * years + 1)
        )
        funnels = list(Funnel.objects.filter(household=members[0].household))
        rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        span = timedelta(days=365 * years).total_seconds()
        batch: list[Spending] = []
        for _ in range(spendings):
            funnel = rng.choice(funnels)
            batch.append(
                Spending(
                    funnel=funnel,
                    created_by=funnel.owner or rng.choice(members),
                    amount=Decimal(rng.randint(50, 8000)) / 100,
                    spent_at=now - timedelta(seconds=rng.uniform(0, span)),
                    note=rng.choice(["", "", "", "market", "bakery", "fuel"]),
                )
            )
            if len(batch) == 5000:
                Spending.objects.bulk_create(batch)
                batch.clear()
        Spending.objects.bulk_create(batch)
        # Planned spendings (docs/rules.md §12.2), so the figures pay for reading them too.
        today = timezone.localdate()
        plans = 0
        for n, funnel in enumerate(funnels):
            member = funnel.owner or members[0]
            for repeat in (Repeat.MONTHLY, Repeat.WEEKLY, Repeat.NONE):
                day = today + timedelta(days=(3 * n + len(repeat)) % 28 - 5)
                planned_create(
                    user=member, funnel=funnel, amount=Decimal("25.00"), date=day,
                    note=f"{repeat} {n}", repeat=repeat,
                )  # fmt: skip
                plans += 1
        self.stdout.write(
            f"Seeded {len(members)} members, {len(funnels)} funnels, {plans} planned spendings, "
            f"{Spending.objects.filter(funnel__household=members[0].household).count()} spendings."
        )
