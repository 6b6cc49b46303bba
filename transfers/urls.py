from __future__ import annotations

from django.urls import path

from transfers import views

app_name = "transfers"

urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/csv/", views.export_download, {"file_format": "csv"}, name="export-csv"),
    path("suggest/funnel/", views.funnel_suggestion, name="suggest-funnel"),
    path("export/pdf/", views.export_download, {"file_format": "pdf"}, name="export-pdf"),
]
