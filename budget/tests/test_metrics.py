"""/metrics (docs/rules.md §10): token-gated and routes by name (the business counters are
tested beside what they count: funnels/tests/test_business_metrics.py)."""

from __future__ import annotations

import pytest
from django.urls import resolve
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "s3cret-metrics-token-0123456789"


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _scrape(client) -> dict[str, list]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


@pytest.fixture
def token(settings) -> str:
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"],
)
def test_metrics_is_a_404_without_the_right_bearer_token(client, token, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = client.get("/metrics", **extra)
    assert response.status_code == 404
    assert b"funnels_http_requests_total" not in response.content


def test_metrics_is_a_404_when_no_token_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 404


@pytest.mark.django_db
def test_requests_are_counted_by_route_name_method_and_status(client, token):
    before = _value("funnels_http_requests_total", route="healthz", method="GET", status="200")
    for _ in range(3):
        client.get("/healthz")
    client.get("/invite/a-secret-invite-code/")
    client.get("/no/such/page/")

    samples = _scrape(client)

    counts = {
        (s.labels["route"], s.labels["method"], s.labels["status"]): s.value
        for s in samples["funnels_http_requests_total"]
    }
    assert counts[("healthz", "GET", "200")] == before + 3
    invite_route = resolve("/invite/a-secret-invite-code/").view_name  # e.g. "households:invite"
    assert ":invite" in invite_route
    assert any(route == invite_route for route, _, _ in counts)
    assert any(route == "unmatched" and status == "404" for route, _, status in counts)
    routes = {route for route, _, _ in counts}
    assert not any("/" in route or "secret" in route for route in routes)
    buckets = [
        s
        for s in samples["funnels_http_request_duration_seconds_bucket"]
        if s.labels["route"] == "healthz"
    ]
    assert {s.labels["le"] for s in buckets} >= {"0.005", "0.1", "+Inf"}
