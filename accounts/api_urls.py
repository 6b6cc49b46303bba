"""API v1 endpoints of accounts: sign-in, token refresh, sign-out (docs/rules.md §5.1).

Registration, me and the household are in households.api_urls.
"""

from __future__ import annotations

from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/login/", api.LoginView.as_view(), name="api-login"),
    path("auth/refresh/", api.RefreshView.as_view(), name="api-refresh"),
    path("auth/logout/", api.LogoutView.as_view(), name="api-logout"),
]
