"""Prometheus metrics (docs/rules.md §10): what /metrics exports, and the view that serves it.

Under gunicorn every worker is a process of its own, so the counters live in files in
PROMETHEUS_MULTIPROC_DIR (set by budget/gunicorn_conf.py before any worker starts) and the
scrape adds up the files of every worker, living or dead. Without that variable (runserver,
tests, management commands) the metrics are the process's own.

Labels take bounded values only: a route is the URL pattern's name, never the raw path.
"""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "funnels_http_requests",
    "HTTP requests answered, by route name, method and status.",
    ["route", "method", "status"],
)
REQUEST_DURATION = Histogram(
    "funnels_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SPENDINGS_CREATED = Counter("funnels_spendings_created", "Spendings saved (pages and API).")
SIGN_INS = Counter(
    "funnels_sign_ins", "Sign-in attempts by outcome (ok, failed, throttled).", ["outcome"]
)
TOKEN_REFRESHES = Counter(
    "funnels_token_refreshes", "API refresh-token rotations by outcome (ok, failed).", ["outcome"]
)
# Counted by the import of bank files once it exists (not built yet); exported from now on so
# dashboards and alerts can rely on the name.
IMPORTS = Counter("funnels_imports", "Files imported, by outcome (ok, failed).", ["outcome"])

# Every outcome is exported from the start (as 0), so rate() has a series before the first event.
for _outcome in ("ok", "failed", "throttled"):
    SIGN_INS.labels(outcome=_outcome)
for _outcome in ("ok", "failed"):
    TOKEN_REFRESHES.labels(outcome=_outcome)
    IMPORTS.labels(outcome=_outcome)


def sign_in_counted(*, outcome: str) -> None:
    """Count one sign-in attempt: "ok", "failed" or "throttled"."""
    SIGN_INS.labels(outcome=outcome).inc()


def token_refresh_counted(*, outcome: str) -> None:
    """Count one refresh-token rotation: "ok" or "failed"."""
    TOKEN_REFRESHES.labels(outcome=outcome).inc()


def spending_created_counted() -> None:
    """Count one saved spending."""
    SPENDINGS_CREATED.inc()


def request_observed(*, route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its duration."""
    REQUESTS.labels(route=route, method=method, status=str(status)).inc()
    REQUEST_DURATION.labels(route=route, method=method).observe(seconds)


def exposition() -> bytes:
    """The text format of every metric, summed over all workers in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def _token_matches(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    if not expected:
        return False
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not presented:
        return False
    return hmac.compare_digest(presented.strip().encode(), expected.encode())


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, only with METRICS_TOKEN set and presented; 404 otherwise."""
    if not _token_matches(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
