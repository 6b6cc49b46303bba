"""The export as a PDF (docs/rules.md §9.1), rendered on the server by WeasyPrint.

WeasyPrint shapes text with Pango and the system fonts (DejaVu, Noto CJK, Noto Color Emoji), so
accents, right-to-left and CJK scripts and emoji come out right. The template may reach nothing
but the app's own static files: every other URL (http, file, data) is refused.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://funnels.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves `/static/...` from the app's static files; refuses every other address."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        if not url.startswith(prefix):
            raise ValueError(f"The PDF may load only the app's own static files, not {url[:80]}")
        relative = url[len(prefix) :].split("?")[0].split("#")[0]
        if ".." in Path(relative).parts:
            raise ValueError("No path outside the static files.")
        found = finders.find(relative)
        if not found and settings.STATIC_ROOT:
            candidate = Path(settings.STATIC_ROOT) / relative
            found = str(candidate) if candidate.is_file() else None
        if not found:
            raise ValueError(f"No static file {relative[:80]}")
        kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(found).read_bytes(), headers={"Content-Type": kind}
        )


def export_pdf(*, context: dict[str, Any], rows: Iterable[Any]) -> bytes:
    """The export rendered as PDF bytes (header, summary strip, table, page numbers)."""
    html = render_to_string("transfers/export_pdf.html", {**context, "rows": rows})
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
