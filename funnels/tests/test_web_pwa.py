"""The installable app: manifest, icons, service worker at the root scope, offline page."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ICONS = Path(settings.BASE_DIR) / "static" / "icons"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] == "Funnels: family budget"
    assert manifest["short_name"] == "Funnels"
    assert manifest["theme_color"].startswith("#")
    assert manifest["background_color"].startswith("#")
    icons = {(icon["sizes"], icon["purpose"]): icon["src"] for icon in manifest["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _purpose), src in icons.items():
        path = ICONS / src.rsplit("/", 1)[1]
        width, height = png_size(path)
        assert f"{width}x{height}" == sizes


def test_service_worker_is_served_at_the_root_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    for asset in ("/static/css/app.css", "/static/js/app.js", "/static/django_htmx/htmx-2.min.js"):
        assert f'"{asset}"' in script
    assert 'OFFLINE_URL = "/offline/"' in script
    assert "&quot;" not in script  # not HTML-escaped


def test_offline_page_needs_no_sign_in(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    assert "You are offline" in response.content.decode()


def test_pages_declare_manifest_theme_colour_and_viewport(client, user):
    client.force_login(user)
    content = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in content
    assert '<meta name="theme-color"' in content
    assert '<meta name="viewport" content="width=device-width, initial-scale=1' in content
    assert "/static/js/app.js" in content


def test_pages_send_a_strict_content_security_policy(client, user):
    client.force_login(user)
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_worker_cache_version_follows_asset_contents_in_development(client, settings):
    def version() -> str:
        script = client.get("/sw.js").content.decode()
        return script.split('const CACHE = "funnels-', 1)[1].split('"', 1)[0]

    settings.DEBUG = False
    by_url = version()
    settings.DEBUG = True
    # Development URLs carry no content hash, so the contents go into the version.
    assert version() != by_url
    assert version() == version()
