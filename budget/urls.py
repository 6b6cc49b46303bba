"""Root URLs: the HTML app, the admin, health, and the REST API under /api/v1/."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from budget import metrics, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("budget.api_urls")),
    path("", include("accounts.urls")),
    path("", include("households.urls")),
    path("", include("funnels.urls")),
    path("", include("transfers.urls")),
]

# JSON under /api/, the normal pages elsewhere.
handler400 = "budget.api.bad_request"
handler403 = "budget.api.permission_denied"
handler404 = "budget.api.page_not_found"
handler500 = "budget.api.server_error"
