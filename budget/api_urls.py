"""REST API v1: each app mounts its own endpoints; the schema and docs live here."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase, JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class JSONErrorsMixin:
    """Errors of the schema and docs views are JSON too, whatever they render otherwise."""

    def handle_exception(self, exc: Exception) -> HttpResponseBase:
        response = super().handle_exception(exc)  # type: ignore[misc]
        data: Any = getattr(response, "data", None) or {"detail": "Error."}
        errors = JsonResponse(data, status=response.status_code, safe=False)
        for header in ("WWW-Authenticate", "Allow", "Retry-After"):
            if header in response:
                errors[header] = response[header]
        return errors


class SchemaView(JSONErrorsMixin, SpectacularAPIView):
    """The OpenAPI 3 schema (YAML by default, JSON with ?format=json)."""


class SwaggerDocsView(JSONErrorsMixin, SpectacularSwaggerSplitView):
    """Interactive docs: assets from drf-spectacular-sidecar, init script as its own file (CSP)."""

    template_name = "funnels/api_docs.html"


urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("households.api_urls")),
    path("", include("funnels.api_urls")),
    path("", include("transfers.api_urls")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="api-schema"), name="api-docs"),
]
