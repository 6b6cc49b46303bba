"""The installable-app pieces: web app manifest, service worker at the root scope, offline page."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from funnels.views import OTHER_MEMBER_HEADER, QUEUED_HEADER

# What the service worker keeps for offline use (besides the offline page itself).
OFFLINE_ASSETS = (
    "css/app.css",
    "js/app.js",
    "django_htmx/htmx-2.min.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
)
# Workbox's offline queue, loaded by the worker with importScripts (static/vendor/workbox/).
WORKBOX_SCRIPTS = (
    "vendor/workbox/workbox-core.prod.js",
    "vendor/workbox/workbox-background-sync.prod.js",
)


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest (at the root, so the whole site is in scope)."""
    context = {
        "icon_192": static("icons/icon-192.png"),
        "icon_512": static("icons/icon-512.png"),
        "icon_maskable": static("icons/icon-maskable-512.png"),
    }
    return render(
        request, "funnels/manifest.webmanifest", context, content_type="application/manifest+json"
    )


def _assets_version(urls: list[str]) -> str:
    """Changes whenever a cached asset does, so the worker drops its old cache.

    In production the URLs carry content hashes; in development they do not, so the files'
    contents count too.
    """
    digest = hashlib.sha256("\n".join(urls).encode())
    if settings.DEBUG:
        for path in OFFLINE_ASSETS:
            found = finders.find(path)
            if isinstance(found, str):
                digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:12]


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /sw.js so that its scope is the whole site."""
    assets = [static(path) for path in OFFLINE_ASSETS]
    response = render(
        request,
        "funnels/sw.js",
        {
            "assets": assets,
            "version": _assets_version(assets),
            "workbox": [static(path) for path in WORKBOX_SCRIPTS],
            "spending_url": reverse("funnels:spending-create"),
            "logout_url": reverse("accounts:logout"),
            "queued_header": QUEUED_HEADER,
            "other_member_header": OTHER_MEMBER_HEADER,
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when the network is down."""
    return render(request, "funnels/offline.html")
