"""REST API v1 endpoints of the transfers app, mounted under /api/v1/."""

from __future__ import annotations

from django.urls import path

from transfers import api

urlpatterns = [
    path("export/", api.ExportView.as_view(), name="api-export"),
]
