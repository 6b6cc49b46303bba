"""Project-level views that belong to no app."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a page that says why a form was refused and what to do.

    The usual cause at home is a Secure cookie the browser would not keep over plain http
    (SECURE_COOKIES on, the app reached at http://192.168.x.y): say so instead of failing
    silently.
    """
    cookie_missing = reason == REASON_NO_CSRF_COOKIE
    context = {
        "cookie_missing": cookie_missing,
        "insecure_connection": cookie_missing
        and settings.CSRF_COOKIE_SECURE
        and not request.is_secure(),
    }
    return render(request, "csrf_failure.html", context, status=403)
