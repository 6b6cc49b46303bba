"""Request ids, one JSON log line per request, and request metrics (docs/rules.md §10).

RequestMiddleware runs outermost: it keeps a well-formed incoming X-Request-ID (or makes one),
echoes it on the response, times the request, counts it in budget.metrics and logs one line on
the "funnels.request" logger. A line holds the route *name*, never the path, query, body,
headers or cookies, so amounts, notes, codes and tokens stay out of the logs.

Every log record, from any logger, carries the request id of the request it belongs to
(RequestIdFilter) and is written by JsonFormatter; an exception's traceback goes in the same
JSON object under "exc_info".
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from budget.metrics import request_observed

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from a proxy or a client: UUIDs, hex, base64url and the like; anything else is replaced.
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:-]{8,128}")
UNMATCHED_ROUTE = "unmatched"

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
logger = logging.getLogger("funnels.request")


def request_id_from(value: str | None) -> str:
    """The incoming id when it is 8-128 safe characters, else a new random one."""
    if value and _REQUEST_ID_RE.fullmatch(value):
        return value
    return uuid.uuid4().hex


def route_of(request: HttpRequest) -> str:
    """The URL pattern's name (namespaced, e.g. "funnels:dashboard"), or "unmatched"."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED_ROUTE
    return match.view_name or UNMATCHED_ROUTE


class RequestMiddleware:
    """Request id in and out, one JSON log line and the request metrics for every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = route_of(request)
            request_observed(
                route=route,
                method=request.method or "",
                status=response.status_code,
                seconds=seconds,
            )
            response[REQUEST_ID_HEADER] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                route,
                response.status_code,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request being answered ("" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            # Django logs a 4xx/5xx answer after the middleware has finished, with the request.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "") or request_id_var.get()
        return True


class RedactPathsFilter(logging.Filter):
    """Drop the path from Django's own request messages ("Not Found: /invite/<code>/").

    Paths can hold invite codes and re-enrolment tokens; the request line already names the
    route. Django's messages end with ": <path>"; that part goes, and so does the request
    object it attaches (its repr holds the path). The status and any traceback are kept.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(("django.request", "django.security", "django.server")):
            if isinstance(record.msg, str) and record.msg.endswith(": %s") and record.args:
                record.msg = record.msg.removesuffix(": %s")
                record.args = tuple(record.args)[:-1]  # type: ignore[arg-type]
            for attribute in ("request", "server_time"):
                record.__dict__.pop(attribute, None)
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id and
    the record's extra fields; exceptions as a formatted traceback string in "exc_info"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "{levelname}{name}{message}{request_id}")
        kwargs.setdefault("style", "{")
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("defaults", {"request_id": ""})
        super().__init__(*args, **kwargs)
