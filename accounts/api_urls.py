"""API v1 endpoints of accounts (SPEC §5.1, §5.2)."""

from __future__ import annotations

from django.urls import path

from accounts import api, api_household

urlpatterns = [
    path("auth/register/", api.RegisterView.as_view(), name="api-register"),
    path("auth/register/confirm/", api.RegisterConfirmView.as_view(), name="api-register-confirm"),
    path("auth/login/", api.LoginView.as_view(), name="api-login"),
    path("auth/refresh/", api.RefreshView.as_view(), name="api-refresh"),
    path("auth/logout/", api.LogoutView.as_view(), name="api-logout"),
    path("me/", api_household.MeView.as_view(), name="api-me"),
    path("household/", api_household.HouseholdView.as_view(), name="api-household"),
    path("household/invites/", api_household.InviteListView.as_view(), name="api-invites"),
    path(
        "household/invites/<str:code>/",
        api_household.InviteDetailView.as_view(),
        name="api-invite-detail",
    ),
    path(
        "household/members/<str:username>/",
        api_household.MemberDetailView.as_view(),
        name="api-member-detail",
    ),
]
