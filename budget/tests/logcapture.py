"""Capture what the app logs, written as production writes it, for tests of the logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from budget.observability import JsonFormatter, RedactPathsFilter, RequestIdFilter


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Every record any logger emits at its configured level, through settings.LOGGING's
    console handler set-up: the JSON formatter and both filters."""
    console = settings.LOGGING["handlers"]["console"]
    assert console["formatter"] == "json"
    assert console["filters"] == ["request_id", "redact_paths"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactPathsFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def log_records(stream: io.StringIO) -> list[dict]:
    """The captured lines, each parsed as JSON (a line that is not JSON fails the test)."""
    return [json.loads(line) for line in stream.getvalue().splitlines()]
