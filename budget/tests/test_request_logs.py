"""JSON request logs (docs/rules.md §10): one line per request with its id, route, status and
duration; nothing secret in them, even across a whole session; tracebacks as JSON."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from django.test import Client

from budget.tests.fresh_process import manage
from budget.tests.logcapture import captured_logs, log_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    with captured_logs() as stream:
        yield stream


def test_each_request_logs_one_json_line_and_echoes_its_request_id(client, log_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="req-0123456789abcdef")

    assert response["X-Request-ID"] == "req-0123456789abcdef"
    (line,) = [r for r in log_records(log_lines) if r["logger"] == "funnels.request"]
    assert line["request_id"] == "req-0123456789abcdef"
    assert line["method"] == "GET"
    assert line["route"] == "healthz"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])


@pytest.mark.parametrize(
    "incoming", ["", "short", "x" * 129, "has space inside", "line\nbreak-0123", "ünïcode-0123"]
)
def test_a_malformed_request_id_is_replaced_by_a_new_one(client, log_lines, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    made = response["X-Request-ID"]
    assert made != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    (line,) = [r for r in log_records(log_lines) if r["logger"] == "funnels.request"]
    assert line["request_id"] == made


def test_each_request_gets_its_own_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


def test_a_server_error_logs_its_traceback_as_json_with_the_request_id(settings, log_lines):
    settings.ROOT_URLCONF = "budget.tests.urls_failing"
    response = Client(raise_request_exception=False).get(
        "/explode/", HTTP_X_REQUEST_ID="boom-0123456789"
    )

    assert response.status_code == 500
    records = log_records(log_lines)
    (error,) = [r for r in records if r["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["request_id"] == "boom-0123456789"
    assert error["exc_info"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: the view broke" in error["exc_info"]
    assert "/explode/" not in error["message"]
    (line,) = [r for r in records if r["logger"] == "funnels.request"]
    assert (line["route"], line["status"]) == ("explode", 500)


def test_log_level_takes_only_a_level_name():
    result = manage("check", env={"LOG_LEVEL": "loud"})
    assert result.returncode != 0
    assert "LOG_LEVEL must be one of" in result.stderr
