"""REST API v1 endpoints of the transfers app, mounted under /api/v1/."""

from __future__ import annotations

from django.urls import path

from transfers import api, api_backup, api_import

urlpatterns = [
    path("export/", api.ExportView.as_view(), name="api-export"),
    path("imports/", api_import.ImportListView.as_view(), name="api-imports"),
    path(
        "imports/<uuid:pk>/confirm/",
        api_import.ImportConfirmView.as_view(),
        name="api-import-confirm",
    ),
    path("household/backup/", api_backup.BackupView.as_view(), name="api-household-backup"),
    path("household/restore/", api_backup.RestoreView.as_view(), name="api-household-restore"),
]
