"""Template context the whole project shares."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port

# Browsers keep Secure cookies over plain http only for these hosts (they count as secure).
_TRUSTED_PLAIN_HTTP_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


def cookie_warning(request: HttpRequest) -> dict[str, bool]:
    """`secure_cookies_over_http`: this page came over plain http to a host where the browser
    will drop Funnels' Secure cookies, so signing in cannot work (SECURE_COOKIES is on)."""
    if not settings.SESSION_COOKIE_SECURE or request.is_secure():
        return {"secure_cookies_over_http": False}
    host, _ = split_domain_port(request.get_host())
    return {"secure_cookies_over_http": host not in _TRUSTED_PLAIN_HTTP_HOSTS}
