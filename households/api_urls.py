"""API v1 endpoints of the households app (docs/rules.md §5.1, §5.2), mounted under /api/v1/."""

from __future__ import annotations

from django.urls import path

from households import api

urlpatterns = [
    path("auth/register/", api.RegisterView.as_view(), name="api-register"),
    path("auth/register/confirm/", api.RegisterConfirmView.as_view(), name="api-register-confirm"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("household/", api.HouseholdView.as_view(), name="api-household"),
    path("household/invites/", api.InviteListView.as_view(), name="api-invites"),
    path("household/invites/<str:code>/", api.InviteDetailView.as_view(), name="api-invite-detail"),
    path(
        "household/members/<str:username>/",
        api.MemberDetailView.as_view(),
        name="api-member-detail",
    ),
]
