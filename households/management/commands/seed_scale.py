"""The scale data set of issue 11 (README "Benchmark"): around the `seed_bench` household (100k
spendings), thousands of other households with about 1,000 spendings each, 10 million in all.

PostgreSQL only, and set-based: every table is filled by one INSERT … SELECT over
generate_series, so 10 million spendings take minutes, not hours. Re-running replaces the scale
households (never the benchmark household or anyone else's data).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Household
from households.management.commands.seed_bench import BENCH_HOUSEHOLD

SCALE_PREFIX = "Scale household "
MEMBERS_PER_HOUSEHOLD = 4
SHARED_FUNNELS = 4
PERSONAL_FUNNELS_PER_MEMBER = 2

# Each step is one statement; %(name)s are query parameters, never formatted into the text.
STEPS = (
    (
        "households",
        """CREATE TEMP TABLE scale_household ON COMMIT DROP AS
           SELECT n, gen_random_uuid() AS id FROM generate_series(1, %(households)s) AS n""",
    ),
    (
        "",
        """INSERT INTO accounts_household
             (id, name, currency, timezone, period_start_day, allowance_mode, created_at)
           SELECT id, %(prefix)s || n, 'EUR', 'Europe/Berlin', 1 + n %% 28,
                  CASE WHEN n %% 2 = 0 THEN 'pace' ELSE 'even' END, now() - interval '6 years'
           FROM scale_household""",
    ),
    (
        "members",
        """INSERT INTO accounts_user
             (password, is_superuser, username, display_name, household_id, role, is_active,
              is_staff, date_joined)
           SELECT '!', false, 'scale-' || h.n || '-' || m, 'Member ' || m, h.id,
                  CASE WHEN m = 1 THEN 'owner' ELSE 'member' END, true, false, now()
           FROM scale_household h CROSS JOIN generate_series(1, %(members)s) AS m""",
    ),
    (
        "funnels",
        """CREATE TEMP TABLE scale_funnel ON COMMIT DROP AS
           SELECT gen_random_uuid() AS id, h.id AS household_id, owner.id AS owner_id,
                  coalesce(owner.id, first.id) AS spender_id, row_number() OVER
                    (PARTITION BY h.id ORDER BY owner.id NULLS FIRST, k) - 1 AS position
           FROM scale_household h
           JOIN accounts_user first ON first.household_id = h.id AND first.role = 'owner'
           CROSS JOIN LATERAL (
               SELECT NULL::bigint AS id, k FROM generate_series(1, %(shared)s) AS k
               UNION ALL
               SELECT u.id, k FROM accounts_user u
               CROSS JOIN generate_series(1, %(personal)s) AS k
               WHERE u.household_id = h.id
           ) AS owner""",
    ),
    (
        "",
        """INSERT INTO funnels_funnel
             (id, household_id, owner_id, name, emoji, color, monthly_limit, position, rollover,
              created_at, updated_at)
           SELECT id, household_id, owner_id, 'Funnel ' || (position + 1), '💰', '#4caf50',
                  80000, position, 'none', now() - interval '6 years', now()
           FROM scale_funnel""",
    ),
    (
        "spendings",
        """INSERT INTO funnels_spending
             (id, funnel_id, created_by_id, amount, spent_at, note, created_at, updated_at)
           SELECT gen_random_uuid(), f.id, f.spender_id, 50 + floor(random() * 7950)::bigint,
                  at, '', at, at
           FROM scale_funnel f
           CROSS JOIN LATERAL (
               SELECT now() - random() * interval '5 years' AS at
               FROM generate_series(1, %(per_funnel)s)
               WHERE f.id IS NOT NULL
           ) AS s""",
    ),
    ("statistics", "ANALYZE"),
)


class Command(BaseCommand):
    help = "PostgreSQL: add thousands of households around the benchmark household (10M rows)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--households", type=int, default=9_999)
        parser.add_argument(
            "--spendings", type=int, default=10_000_000, help="in all, with the bench household's"
        )

    def handle(self, *args: Any, households: int, spendings: int, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale needs PostgreSQL: set DATABASE_URL.")
        if households < 1 or spendings < 0:
            raise CommandError("--households must be 1 or more and --spendings 0 or more.")
        if not Household.objects.filter(name=BENCH_HOUSEHOLD).exists():
            call_command("seed_bench", stdout=self.stdout)
        bench_rows = connection.cursor()
        with bench_rows as cursor:
            cursor.execute(
                """SELECT count(*) FROM funnels_spending s JOIN funnels_funnel f
                   ON f.id = s.funnel_id JOIN accounts_household h ON h.id = f.household_id
                   WHERE h.name = %s""",
                [BENCH_HOUSEHOLD],
            )
            (in_bench,) = cursor.fetchone()
        funnels_each = SHARED_FUNNELS + MEMBERS_PER_HOUSEHOLD * PERSONAL_FUNNELS_PER_MEMBER
        per_funnel = max(0, spendings - in_bench) // (households * funnels_each)
        params = {
            "households": households,
            "members": MEMBERS_PER_HOUSEHOLD,
            "shared": SHARED_FUNNELS,
            "personal": PERSONAL_FUNNELS_PER_MEMBER,
            "per_funnel": per_funnel,
            "prefix": SCALE_PREFIX,
        }
        started = time.perf_counter()
        self._forget_earlier_scale_data()
        with transaction.atomic(), connection.cursor() as cursor:
            for label, sql in STEPS[:-1]:
                if label:
                    self.stdout.write(f"{label}… ({time.perf_counter() - started:.0f} s)")
                cursor.execute(sql, params)
        with connection.cursor() as cursor:
            cursor.execute(STEPS[-1][1])
        total = households * funnels_each * per_funnel + in_bench
        self.stdout.write(
            f"Seeded {households:,} households, {households * MEMBERS_PER_HOUSEHOLD:,} members, "
            f"{households * funnels_each:,} funnels; {total:,} spendings in all "
            f"({in_bench:,} in the benchmark household) in {time.perf_counter() - started:.0f} s."
        )

    def _forget_earlier_scale_data(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """DELETE FROM funnels_spending WHERE funnel_id IN (SELECT f.id FROM
                   funnels_funnel f JOIN accounts_household h ON h.id = f.household_id
                   WHERE h.name LIKE %s)""",
                [SCALE_PREFIX + "%"],
            )
            Household.objects.filter(name__startswith=SCALE_PREFIX).delete()
