"""REST API v1 endpoints of the funnels app, mounted under /api/v1/."""

from __future__ import annotations

from django.urls import path

from funnels import api, api_income, api_planned, api_reports

urlpatterns = [
    path("funnels/", api.FunnelListView.as_view(), name="api-funnels"),
    path("funnels/<uuid:pk>/", api.FunnelDetailView.as_view(), name="api-funnel"),
    path("spendings/", api.SpendingListView.as_view(), name="api-spendings"),
    path("spendings/deleted/", api.DeletedSpendingListView.as_view(), name="api-spendings-deleted"),
    path("spendings/<uuid:pk>/", api.SpendingDetailView.as_view(), name="api-spending"),
    path("planned/", api_planned.PlannedListView.as_view(), name="api-planned"),
    path("planned/<uuid:pk>/", api_planned.PlannedDetailView.as_view(), name="api-plan"),
    path("planned/<uuid:pk>/paid/", api_planned.PlannedPaidView.as_view(), name="api-plan-paid"),
    path("planned/<uuid:pk>/skip/", api_planned.PlannedSkipView.as_view(), name="api-plan-skip"),
    path(
        "planned/<uuid:pk>/unskip/", api_planned.PlannedUnskipView.as_view(), name="api-plan-unskip"
    ),
    path("overview/", api.OverviewView.as_view(), name="api-overview"),
    path("reports/summary/", api_reports.SummaryView.as_view(), name="api-reports-summary"),
    path("reports/trend/", api_reports.TrendView.as_view(), name="api-reports-trend"),
    path("calendar/", api_reports.CalendarView.as_view(), name="api-calendar"),
    path("incomes/", api_income.IncomeListView.as_view(), name="api-incomes"),
    path(
        "incomes/deleted/", api_income.DeletedIncomeListView.as_view(), name="api-incomes-deleted"
    ),
    path("incomes/<uuid:pk>/", api_income.IncomeDetailView.as_view(), name="api-income"),
]
