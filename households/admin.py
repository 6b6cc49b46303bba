"""Admin of users and households. Staff who are not superusers see only their own household.

Admin actions call the same services as the app (re-enrolment link, recovery codes, account
deletion).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from accounts import services as account_services
from accounts.admin import HouseholdScopedAdmin
from accounts.models import Household, User


@admin.register(Household)
class HouseholdAdmin(HouseholdScopedAdmin):
    household_field = "pk"
    list_display = [
        "name",
        "currency",
        "timezone",
        "period_start_day",
        "allowance_mode",
        "created_at",
    ]
    list_filter = ["allowance_mode", "currency"]
    search_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a household is founded by registering


@admin.register(User)
class UserAdmin(HouseholdScopedAdmin):
    list_display = ["username", "display_name", "household", "role", "is_staff", "date_joined"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["username", "display_name", "household__name"]
    list_select_related = ["household"]
    exclude = ["password"]
    readonly_fields = [
        "last_login",
        "date_joined",
        "registration_expires_at",
        "registration_invite",
        "current_device_session",
    ]
    actions = ["issue_reenrolment_link", "regenerate_recovery_codes"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people register themselves; `manage.py createadmin` makes an admin

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if self.is_scoped(request):
            # Only a superuser hands out staff rights or moves people between households.
            readonly += [
                "is_superuser",
                "is_staff",
                "groups",
                "user_permissions",
                "household",
                "role",
            ]
        return readonly

    @admin.action(description="Issue a re-enrolment link (lost phone)")
    def issue_reenrolment_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            token = account_services.reenrolment_link_issue(issued_by=request.user, user=user)
            url = request.build_absolute_uri(reverse("accounts:reenrol", args=[token]))
            messages.success(
                request,
                f"Re-enrolment link for {user.username} (one use, 24 hours): {url}",
            )

    @admin.action(description="Regenerate recovery codes")
    def regenerate_recovery_codes(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            codes = account_services.recovery_codes_reset(user=user)
            messages.success(
                request,
                f"New recovery codes for {user.username} (shown once): {' '.join(codes)}",
            )
