"""The production entry point for real: `migrate` alone, then gunicorn with 3 workers and
budget/gunicorn_conf.py (docs/rules.md §10). Counts on /metrics are the sum over every worker,
dead ones included; a request's JSON log line is on stderr; the first registration works."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TOKEN = secrets.token_urlsafe(24)
STALE_COUNT = 1000


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    metrics_dir: Path

    def healthz_count(self) -> float:
        response = requests.get(
            f"{self.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
        )
        assert response.status_code == 200, response.text
        return sum(
            sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples
            if sample.name == "funnels_http_requests_total"
            and sample.labels == {"route": "healthz", "method": "GET", "status": "200"}
        )

    def workers(self) -> set[int]:
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.add(int(stat.parent.name))
        return children


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stale_metrics_file(env: dict[str, str]) -> None:
    """What a previous run could have left: a worker file with 1000 healthz requests."""
    script = (
        "from prometheus_client import Counter\n"
        "c = Counter('funnels_http_requests', '', ['route', 'method', 'status'])\n"
        f"c.labels('healthz', 'GET', '200').inc({STALE_COUNT})\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    scratch = tmp_path_factory.mktemp("gunicorn")
    metrics_dir = scratch / "metrics"
    metrics_dir.mkdir()
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DB_URL"))},
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        "DEBUG": "false",
        "SECURE_COOKIES": "false",  # plain http on 127.0.0.1: the browser case of a LAN server
        "DATA_DIR": str(scratch / "data"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "3",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SECRET": secrets.token_urlsafe(50),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _stale_metrics_file(env)
    # As the Docker image and scripts/smoke-test do: DEBUG off serves the collected, hashed files.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    assert list(metrics_dir.glob("counter_*.db"))
    log = scratch / "server.log"
    with log.open("wb") as out:
        # scripts/start: `migrate` and nothing else, then gunicorn with budget/gunicorn_conf.py.
        process = subprocess.Popen(
            ["sh", "scripts/start"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            if process.poll() is not None:
                pytest.fail(f"the server stopped:\n{log.read_text()}")
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.25)
        else:
            pytest.fail(f"the server did not answer:\n{log.read_text()}")
        # The readiness probe above was counted too; wait for all 3 workers.
        running = Server(url=url, process=process, log=log, metrics_dir=metrics_dir)
        for _ in range(80):
            if len(running.workers()) == 3:
                break
            time.sleep(0.25)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _hammer(url: str, n: int) -> None:
    def one(_: int) -> int:
        return requests.get(f"{url}/healthz", timeout=10).status_code

    with ThreadPoolExecutor(max_workers=9) as pool:
        assert list(pool.map(one, range(n))) == [200] * n


def _healthz_by_worker(metrics_dir: Path) -> dict[str, float]:
    counts = {}
    for path in metrics_dir.glob("counter_*.db"):
        total = 0.0
        for family in MultiProcessCollector.merge([str(path)], accumulate=True):
            for sample in family.samples:
                if (
                    sample.name == "funnels_http_requests_total"
                    and sample.labels.get("route") == "healthz"
                ):
                    total += sample.value
        counts[path.name] = total
    return counts


def test_metrics_add_up_every_worker_and_keep_a_dead_workers_counts(server):
    before = server.healthz_count()
    assert before < STALE_COUNT  # the old run's file was removed when the server started
    n = 60
    _hammer(server.url, n)

    assert server.healthz_count() == before + n
    by_worker = _healthz_by_worker(server.metrics_dir)
    served = [name for name, count in by_worker.items() if count]
    assert len(served) >= 2, by_worker  # several workers answered; the scrape summed them

    # A worker dies (killed): its counts stay in the totals, a new worker takes its place.
    victim = int(re.search(r"_(\d+)\.db", served[0]).group(1))
    assert victim in server.workers()
    os.kill(victim, signal.SIGKILL)
    for _ in range(80):
        if victim not in server.workers() and len(server.workers()) == 3:
            break
        time.sleep(0.25)
    assert victim not in server.workers()
    _hammer(server.url, 9)
    assert server.healthz_count() == before + n + 9


def test_metrics_need_the_token_under_gunicorn_too(server):
    assert requests.get(f"{server.url}/metrics", timeout=10).status_code == 404
    wrong = {"Authorization": "Bearer not-the-token"}
    assert requests.get(f"{server.url}/metrics", headers=wrong, timeout=10).status_code == 404


def test_a_request_logs_one_json_line_with_its_request_id(server):
    request_id = f"smoke-{secrets.token_hex(8)}"
    response = requests.get(
        f"{server.url}/healthz", headers={"X-Request-ID": request_id}, timeout=10
    )
    assert response.headers["X-Request-ID"] == request_id
    for _ in range(40):
        lines = [
            json.loads(line) for line in server.log.read_text().splitlines() if request_id in line
        ]
        if lines:
            break
        time.sleep(0.1)
    assert len(lines) == 1
    (line,) = lines
    assert line["route"] == "healthz"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float | int)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])
    # gunicorn's own lines are JSON too, and its plain access log is off.
    for text in server.log.read_text().splitlines():
        if text.startswith("{"):
            json.loads(text)
    assert '"GET /healthz HTTP/1.1"' not in server.log.read_text()


def test_migrate_alone_makes_a_database_where_the_first_registration_works(server):
    browser = requests.Session()
    page = browser.get(f"{server.url}/register/", timeout=10)
    assert page.status_code == 200
    assert "Secure" not in page.headers.get("Set-Cookie", "")  # SECURE_COOKIES=false
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = browser.post(
        f"{server.url}/register/",
        data={"csrfmiddlewaretoken": csrf, "username": "first", "display_name": "First"},
        headers={"Referer": f"{server.url}/register/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:2000]
    assert response.headers["Location"] == "/register/confirm/"
    confirm = browser.get(f"{server.url}/register/confirm/", timeout=10)
    assert confirm.status_code == 200
    assert "<svg" in confirm.text or "otpauth" in confirm.text
