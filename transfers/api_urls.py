"""REST API v1 endpoints of the transfers app, mounted under /api/v1/."""

from __future__ import annotations

from django.urls import path

from transfers import api, api_backup

urlpatterns = [
    path("export/", api.ExportView.as_view(), name="api-export"),
    path("household/backup/", api_backup.BackupView.as_view(), name="api-household-backup"),
    path("household/restore/", api_backup.RestoreView.as_view(), name="api-household-restore"),
]
