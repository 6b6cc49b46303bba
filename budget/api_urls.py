"""REST API v1: each app mounts its own endpoints; the schema and docs live here."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Interactive docs: assets from drf-spectacular-sidecar, init script as its own file (CSP)."""

    template_name = "funnels/api_docs.html"


urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("funnels.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="api-schema"), name="api-docs"),
]
