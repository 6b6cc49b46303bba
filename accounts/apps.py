from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True  # this module also holds the admin's config
    name = "accounts"
    verbose_name = "Accounts and households"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        import budget.checks  # noqa: F401  (registers the project's system checks)
        from accounts.sessions import device_session_bind

        # Every auth.login (the TOTP sign-in views, and Django's test client force_login) ties
        # the new browser session to a device session; without one a session is not signed in.
        user_logged_in.connect(device_session_bind, dispatch_uid="accounts.device_session_bind")


class FunnelsAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a site that signs in only through the TOTP login."""

    default = False

    default_site = "accounts.admin_site.FunnelsAdminSite"
