"""The monitoring profile of docker-compose.yml (docs/rules.md §10), checked without Docker:
the files parse, point at each other, and every metric the dashboard queries is one the app
really exports (scraped from /metrics)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "monitoring"
TOKEN = "monitoring-test-token-0123456789"
DATASOURCE_UID = "funnels-prometheus"
# PromQL's own words: functions, aggregations and keywords (not metric names).
PROMQL_WORDS = {
    "sum", "avg", "min", "max", "count", "rate", "irate", "increase", "delta",
    "histogram_quantile", "by", "without", "on", "ignoring", "group_left", "group_right",
    "and", "or", "unless", "bool", "offset", "clamp_min", "clamp_max", "topk", "bottomk",
    "vector", "scalar", "abs", "round", "time",
}  # fmt: skip


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dashboard() -> dict:
    return json.loads((MONITORING / "grafana/dashboards/funnels.json").read_text())


def _mount(service: dict, target: str) -> Path:
    """The repository path bind-mounted at `target` in a compose service."""
    for volume in service["volumes"]:
        source, _, rest = volume.partition(":")
        if rest.split(":")[0] == target:
            return ROOT / source
    raise AssertionError(f"nothing is mounted at {target}")


def _metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)  # label values
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # range durations
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)  # grouping labels
    words = set(re.findall(r"(?<![\w.])[A-Za-z_:][\w:]*", expr))
    return words - PROMQL_WORDS


def test_metric_name_extraction():
    expr = (
        'histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{status=~"5.."}[5m])))'
        " / sum without (x) (increase(b_total[$__rate_interval]))"
    )
    assert _metric_names(expr) == {"a_bucket", "b_total"}


def test_monitoring_services_are_in_their_profile_and_the_app_is_not(compose):
    services = compose["services"]
    assert services["prometheus"]["profiles"] == ["monitoring"]
    assert services["grafana"]["profiles"] == ["monitoring"]
    for always in ("db", "app", "daily"):
        assert "profiles" not in services[always]


def test_prometheus_scrapes_the_app_with_the_metrics_token(compose):
    services = compose["services"]
    prometheus = services["prometheus"]
    config = yaml.safe_load(_mount(prometheus, "/etc/prometheus/prometheus.yml").read_text())
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    (target,) = job["static_configs"][0]["targets"]
    host, port = target.split(":")
    assert host in services
    assert host == "app"
    assert port == "8000"
    # The app answers to that host name, and has the token Prometheus presents.
    app_env = services["app"]["environment"]
    assert "app" in app_env["ALLOWED_HOSTS"].split(",")
    assert app_env["METRICS_TOKEN"] == "${METRICS_TOKEN:-}"
    assert job["authorization"]["type"] == "Bearer"
    (handed,) = prometheus["configs"]
    assert handed["target"] == job["authorization"]["credentials_file"]
    assert compose["configs"][handed["source"]]["content"] == "${METRICS_TOKEN:-}"


def test_grafana_provisions_the_datasource_and_the_dashboard(compose, dashboard):
    grafana = compose["services"]["grafana"]
    provisioning = _mount(grafana, "/etc/grafana/provisioning")
    datasources = yaml.safe_load((provisioning / "datasources/prometheus.yml").read_text())
    (source,) = datasources["datasources"]
    assert source["uid"] == DATASOURCE_UID
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    assert "9090:9090" in compose["services"]["prometheus"]["ports"][0]

    providers = yaml.safe_load((provisioning / "dashboards/funnels.yml").read_text())
    (provider,) = providers["providers"]
    folder = _mount(grafana, provider["options"]["path"])
    assert (folder / "funnels.json").exists()
    assert dashboard["uid"]
    assert dashboard["title"]
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == DATASOURCE_UID
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_UID


def test_the_dashboard_has_the_panels_operators_need(dashboard):
    titles = " | ".join(panel["title"].lower() for panel in dashboard["panels"])
    for wanted in (
        "request rate",
        "error rate",
        "p50 latency by route",
        "p95 latency by route",
        "spendings saved per day",
        "failed and throttled sign-ins",
    ):
        assert wanted in titles
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    assert "histogram_quantile(0.5," in exprs
    assert "histogram_quantile(0.95," in exprs
    assert 'outcome=~"failed|throttled"' in exprs


@pytest.mark.django_db
def test_every_metric_the_dashboard_queries_is_exported_by_the_app(client, settings, dashboard):
    settings.METRICS_TOKEN = TOKEN
    client.get("/healthz")  # labelled series appear with their first request
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    exported = {
        sample.name
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }
    queried = set()
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            names = _metric_names(target["expr"])
            assert names, target["expr"]
            queried |= names
    missing = queried - exported
    assert not missing, f"the dashboard queries metrics the app does not export: {missing}"
    assert {
        "funnels_http_requests_total",
        "funnels_http_request_duration_seconds_bucket",
        "funnels_spendings_created_total",
        "funnels_sign_ins_total",
    } <= queried


def test_compose_runs_the_daily_jobs(compose):
    daily = compose["services"]["daily"]
    command = " ".join(daily["command"])
    assert "python manage.py daily" in command
    assert "sleep" in command
    assert daily["environment"] == compose["services"]["app"]["environment"]
