"""API v1 endpoints of accounts (SPEC §5.1, §5.2)."""

from __future__ import annotations

from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/register/", api.RegisterView.as_view(), name="api-register"),
    path("auth/register/confirm/", api.RegisterConfirmView.as_view(), name="api-register-confirm"),
    path("auth/login/", api.LoginView.as_view(), name="api-login"),
    path("auth/refresh/", api.RefreshView.as_view(), name="api-refresh"),
    path("auth/logout/", api.LogoutView.as_view(), name="api-logout"),
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
