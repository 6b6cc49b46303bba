"""Measure the hot paths over HTTP (docs/rules.md §7, README "Benchmark"): gunicorn as
scripts/start runs it (2 sync workers, DEBUG off) against the benchmark data set, `wrk` on each
endpoint, rounds interleaved, medians, each figure divided by /healthz of the same round.

Run through `make bench-http` (scripts/bench-http), which sets the production-like environment
(DEBUG off, secrets) for this command and the server alike: the session cookie and the JWT made
here must be valid there.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess  # nosec B404 - runs gunicorn and wrk, fixed argument lists
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from accounts.models import User
from accounts.tokens import token_pair_for
from funnels.models import Spending
from households.management.commands.seed_bench import MEMBERS

POST_NOTE = "bench-http"
# (name, method, path, auth): auth is "session", "jwt" or "" (anonymous).
ENDPOINTS = (
    ("healthz", "GET", "/healthz", ""),
    ("dashboard", "GET", "/", "session"),
    ("overview", "GET", "/api/v1/overview/", "jwt"),
    ("spendings", "GET", "/api/v1/spendings/", "jwt"),
    ("incomes", "GET", "/api/v1/incomes/", "jwt"),
    ("post", "POST", "/api/v1/spendings/", "jwt"),
)
TARGETS = {"dashboard": 5, "overview": 4, "spendings": 4, "incomes": 4, "post": 4}

# Each POST sends a new client id: the per-round prefix, then a counter (a valid UUID).
POST_LUA = """
local counter = 0
request = function()
  counter = counter + 1
  local id = string.format("%s-%04x-4000-8000-%012x", "PREFIX", counter % 65536, counter)
  local body = '{"id": "' .. id .. '", "funnel": "FUNNEL", "amount": "1.00", "note": "NOTE"}'
  return wrk.format("POST", "PATH", nil, body)
end
"""


class Command(BaseCommand):
    help = "Run wrk against gunicorn on the benchmark data set; print req/s and ratios to /healthz."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--port", type=int, default=8077)
        parser.add_argument("--reseed", action="store_true")
        parser.add_argument("--only", default="", help="comma-separated endpoint names")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DEBUG:
            raise CommandError("Run it with DEBUG off (make bench-http does).")
        wrk = shutil.which("wrk")
        if wrk is None:
            raise CommandError("wrk is missing: apt-get install wrk (make bench-http does).")
        user = User.objects.filter(username=MEMBERS[0]).first()
        if user is None or options["reseed"]:
            call_command("seed_bench", stdout=self.stdout)
            user = User.objects.get(username=MEMBERS[0])
        funnel = user.household.funnels.filter(owner__isnull=True).first()
        if funnel is None:
            raise CommandError("The benchmark household has no shared funnel: run --reseed.")
        web = Client(SERVER_NAME="localhost")
        web.force_login(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={web.cookies[settings.SESSION_COOKIE_NAME].value}"
        bearer = f"Bearer {token_pair_for(user)['access']}"
        only = {name for name in options["only"].split(",") if name}
        endpoints = [e for e in ENDPOINTS if not only or e[0] in only or e[0] == "healthz"]
        vendor = connection.vendor
        connection.close()  # the server's workers must not wait on this process's connection

        port = options["port"]
        base = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory(prefix="funnels-bench-") as tmp:
            server = self._start_server(port=port, workers=options["workers"])
            try:
                self._wait_ready(base)
                rps: dict[str, list[float]] = {name: [] for name, *_ in endpoints}
                ratios: dict[str, list[float]] = {name: [] for name, *_ in endpoints}
                for round_no in range(options["rounds"]):
                    this_round: dict[str, float] = {}
                    for name, method, path, auth in endpoints:
                        header = {"session": f"Cookie: {cookie}", "jwt": f"Authorization: {bearer}"}
                        command = [wrk, "-t1", f"-c{options['connections']}"]
                        command += [f"-d{options['duration']}s", "--timeout", "30s"]
                        if auth:
                            command += ["-H", header[auth]]
                        if method == "POST":
                            script = Path(tmp) / "post.lua"
                            script.write_text(
                                POST_LUA.replace("PREFIX", secrets.token_hex(4))
                                .replace("FUNNEL", str(funnel.pk))
                                .replace("NOTE", POST_NOTE)
                                .replace("PATH", path)
                            )
                            command += ["-H", "Content-Type: application/json", "-s", str(script)]
                        output = subprocess.run(  # noqa: S603  # nosec B603 - fixed command, no shell
                            [*command, base + path], capture_output=True, text=True, check=True
                        ).stdout
                        this_round[name] = _requests_per_second(output, name)
                        rps[name].append(this_round[name])
                        self.stdout.write(
                            f"round {round_no + 1} {name:<10}{this_round[name]:>9.1f}"
                        )
                    for name in this_round:
                        # No answer within the run counts as an infinitely slow endpoint.
                        rate = this_round[name]
                        ratios[name].append(this_round["healthz"] / rate if rate else float("inf"))
                    Spending.objects.filter(note=POST_NOTE).delete()  # keep rounds alike
                    connection.close()
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
        self._report(vendor, rps, ratios, options)

    def _start_server(self, *, port: int, workers: int) -> subprocess.Popen[bytes]:
        environment = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        return subprocess.Popen(  # noqa: S603  # nosec B603 - fixed command, no shell
            [str(gunicorn), "--config", "budget/gunicorn_conf.py", "budget.wsgi"],
            cwd=settings.BASE_DIR,
            env=environment,
            stderr=subprocess.DEVNULL,
        )

    def _wait_ready(self, base: str) -> None:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310  # nosec B310
                    return
            except OSError:
                time.sleep(0.2)
        raise CommandError("gunicorn did not answer /healthz")

    def _report(
        self,
        vendor: str,
        rps: dict[str, list[float]],
        ratios: dict[str, list[float]],
        options: dict[str, Any],
    ) -> None:
        self.stdout.write(
            f"\n{vendor}, gunicorn {options['workers']} sync workers, wrk -t1 "
            f"-c{options['connections']} -d{options['duration']}s, "
            f"median of {options['rounds']} interleaved rounds"
        )
        self.stdout.write(f"{'endpoint':<11}{'req/s':>9}{'× healthz':>11}  target")
        parts = []
        for name in rps:
            ratio = statistics.median(ratios[name])
            target = TARGETS.get(name)
            verdict = f"≤{target}× {'ok' if ratio <= target else 'missed'}" if target else ""
            self.stdout.write(
                f"{name:<11}{statistics.median(rps[name]):>9.1f}{ratio:>10.1f}×  {verdict}"
            )
            if name != "healthz":
                parts.append(f"{name}={ratio:.1f}")
        self.stdout.write(
            f"RATIOS {vendor if vendor != 'postgresql' else 'postgres'} {' '.join(parts)}"
        )


def _requests_per_second(output: str, name: str) -> float:
    """wrk's `Requests/sec:` figure; an error when any response was not 2xx/3xx."""
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise CommandError(f"{name}: {errors.group(1)} responses were not 2xx/3xx\n{output}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if found is None:
        raise CommandError(f"{name}: no Requests/sec in wrk's output\n{output}")
    return float(found.group(1))
