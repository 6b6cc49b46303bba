"""The admin site: no password form; staff sign in through the same TOTP login as everyone."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


class FunnelsAdminSite(admin.AdminSite):
    site_header = "Funnels administration"
    site_title = "Funnels admin"

    def has_permission(self, request: HttpRequest) -> bool:
        """Active staff who signed in with a TOTP or recovery code on a live device session."""
        user = request.user
        return bool(
            user.is_active and user.is_staff and getattr(user, "is_verified", lambda: False)()
        )

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """There is no admin password form: send the visitor to the TOTP sign-in."""
        next_url = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")

    def logout(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Sign out as the app does: this device session ends too."""
        if request.method != "POST":
            return super().logout(request, extra_context)
        from accounts.sessions import browser_sign_out

        browser_sign_out(request)
        return HttpResponseRedirect(reverse("accounts:login"))
