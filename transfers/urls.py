from __future__ import annotations

from django.urls import path

from transfers import views, views_backup, views_import

app_name = "transfers"

urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/csv/", views.export_download, {"file_format": "csv"}, name="export-csv"),
    path("household/backup/", views_backup.backup_restore, name="backup"),
    path("household/backup/download/", views_backup.backup_download, name="backup-download"),
    path("import/", views_import.import_upload, name="import"),
    path("import/<uuid:pk>/", views_import.import_review, name="import-preview"),
    path("suggest/funnel/", views.funnel_suggestion, name="suggest-funnel"),
    path("export/pdf/", views.export_download, {"file_format": "pdf"}, name="export-pdf"),
]
