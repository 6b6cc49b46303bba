"""Measure server time of the hot paths against /healthz on the benchmark data set
(docs/rules.md §7)."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tokens import token_pair_for
from funnels.models import Spending
from households.management.commands.seed_bench import MEMBERS

TARGETS = {"dashboard": (8, 25.0), "overview": (8, 25.0), "save spending": (5, 15.0)}


class Command(BaseCommand):
    help = "Seed the benchmark data set if needed, then print median server times and ratios."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--runs", type=int, default=200)
        parser.add_argument("--reseed", action="store_true")
        parser.add_argument(
            "--cases", default="", help="comma-separated case names (default: all; healthz always)"
        )

    def handle(self, *args: Any, runs: int, reseed: bool, cases: str, **options: Any) -> None:
        user = User.objects.filter(username=MEMBERS[0]).first()
        if user is None or reseed:
            call_command("seed_bench", stdout=self.stdout)
            user = User.objects.get(username=MEMBERS[0])
        web = Client(SERVER_NAME="localhost")
        web.force_login(user)
        api = Client(
            SERVER_NAME="localhost",
            headers={"Authorization": f"Bearer {token_pair_for(user)['access']}"},
        )
        funnel = user.household.funnels.filter(owner__isnull=True).first()
        if funnel is None:
            raise CommandError("The benchmark household has no shared funnel: run --reseed.")

        anonymous = Client(SERVER_NAME="localhost")  # built once: time the request, not the client

        def save_spending() -> HttpResponse:
            return api.post(
                "/api/v1/spendings/",
                {"funnel": str(funnel.pk), "amount": "1.00"},
                content_type="application/json",
            )

        def tap() -> HttpResponse:
            # A dashboard tap as the page sends it: HTMX, with a client id (the offline queue's).
            return web.post(
                reverse("funnels:spending-create"),
                {"amount": "1", "funnel": str(funnel.pk), "client_id": str(uuid.uuid4())},
                headers={"HX-Request": "true"},
            )

        calls: dict[str, Callable[[], HttpResponse]] = {
            "healthz": lambda: anonymous.get("/healthz"),
            "dashboard": lambda: web.get(reverse("funnels:dashboard")),
            "overview": lambda: api.get("/api/v1/overview/"),
            "spendings": lambda: api.get("/api/v1/spendings/"),
            "save spending": save_spending,
            "tap": tap,
            "reports": lambda: web.get(reverse("funnels:reports")),
            "calendar": lambda: web.get(reverse("funnels:calendar")),
        }
        wanted = {name.strip() for name in cases.split(",") if name.strip()}
        if wanted - set(calls):
            raise CommandError(f"Unknown cases {sorted(wanted - set(calls))}; known: {list(calls)}")
        results = {
            name: self._measure(call, runs)
            for name, call in calls.items()
            if not wanted or name in wanted or name == "healthz"
        }
        base = results["healthz"][0]
        self.stdout.write(
            f"{connection.vendor}, {runs} runs each, "
            f"{user.household.funnels.count()} funnels, "
            f"{_spending_count(user)} spendings\n"
        )
        self.stdout.write(
            f"{'path':<15}{'median ms':>10}{'× healthz':>11}{'queries':>9}{'CPU ms':>8}  target"
        )
        for name, (median, queries, status, cpu) in results.items():
            ratio = median / base if base else float("nan")
            target = TARGETS.get(name)
            verdict = ""
            if target:
                ratio_ok = "ok" if ratio <= target[0] else "missed"
                time_ok = "ok" if median <= target[1] else "missed"
                verdict = f"≤{target[0]}× {ratio_ok}, ≤{target[1]:.0f} ms {time_ok}"
            if status >= 400:
                verdict = f"HTTP {status}!"
            self.stdout.write(
                f"{name:<15}{median:>10.2f}{ratio:>10.1f}×{queries:>9}{cpu:>8.2f}  {verdict}"
            )
        self.stdout.write(
            "CPU ms: median CPU time of this process per request (SQLite's work included, not "
            "PostgreSQL's server): steadier than wall time on a shared, loaded machine."
        )

    def _measure(
        self, call: Callable[[], HttpResponse], runs: int
    ) -> tuple[float, int, int, float]:
        for _ in range(min(20, runs)):
            call()  # warm up caches, connections and templates
        timings, cpu = [], []
        status = 200
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = call()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            status = max(status, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            call()
        return statistics.median(timings), len(queries), status, statistics.median(cpu)


def _spending_count(user: User) -> int:
    return Spending.objects.filter(funnel__household_id=user.household_id).count()
