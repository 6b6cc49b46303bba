from __future__ import annotations

from django.urls import path

from funnels import (
    views,
    views_funnels,
    views_history,
    views_income,
    views_planned,
    views_pwa,
    views_reports,
)

app_name = "funnels"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("manifest.webmanifest", views_pwa.manifest, name="manifest"),
    path("sw.js", views_pwa.service_worker, name="service-worker"),
    path("offline/", views_pwa.offline, name="offline"),
    # Spendings and income together (docs/rules.md §8.6); the name stays for existing links.
    path("spendings/", views_history.history, name="spending-list"),
    path("spendings/new/", views.spending_create, name="spending-create"),
    path("spendings/undo/", views.spending_undo, name="spending-undo"),
    path("spendings/<uuid:pk>/edit/", views.spending_edit, name="spending-edit"),
    path("spendings/<uuid:pk>/delete/", views.spending_delete, name="spending-delete"),
    path("reports/", views_reports.reports, name="reports"),
    path("calendar/", views_reports.calendar, name="calendar"),
    path("incomes/new/", views_income.income_create, name="income-create"),
    path("incomes/<uuid:pk>/edit/", views_income.income_edit, name="income-edit"),
    path("incomes/<uuid:pk>/delete/", views_income.income_delete, name="income-delete"),
    path("funnels/", views_funnels.funnel_list, name="funnel-list"),
    path("funnels/new/", views_funnels.funnel_create, name="funnel-create"),
    path("funnels/<uuid:pk>/edit/", views_funnels.funnel_edit, name="funnel-edit"),
    path("funnels/<uuid:pk>/move/", views_funnels.funnel_move, name="funnel-move"),
    path("funnels/<uuid:pk>/delete/", views_funnels.funnel_delete, name="funnel-delete"),
    path("planned/new/", views_planned.planned_create, name="planned-create"),
    path("planned/<uuid:pk>/edit/", views_planned.planned_edit, name="planned-edit"),
    path("planned/<uuid:pk>/delete/", views_planned.planned_delete, name="planned-delete"),
    path("planned/<uuid:pk>/paid/", views_planned.planned_paid, name="planned-paid"),
    path("planned/<uuid:pk>/skip/", views_planned.planned_skip, name="planned-skip"),
    path("planned/<uuid:pk>/unskip/", views_planned.planned_unskip, name="planned-unskip"),
]
