"""Admin of users and households. Staff who are not superusers see only their own household.

Every write calls the services the app uses: deleting a user (single or bulk) is the account
deletion (ownership handed over, shared spendings kept with deletion records for the phones,
everything signed out); a deletion the service refuses is an error message. Nobody moves a user
between households or changes roles by editing the form: the hand-over of ownership is an
action, and households change only by invites and deletions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from accounts import services as account_services
from accounts.admin import DeleteThroughServiceAdmin, HouseholdScopedAdmin
from accounts.models import Household, User
from households import services


@admin.register(Household)
class HouseholdAdmin(DeleteThroughServiceAdmin, HouseholdScopedAdmin):
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

    def service_delete(self, request: HttpRequest, obj: Household) -> None:
        services.household_delete_by_staff(staff=request.user, household=obj)


@admin.register(User)
class UserAdmin(DeleteThroughServiceAdmin, HouseholdScopedAdmin):
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
    actions = [
        "delete_selected",
        "issue_reenrolment_link",
        "regenerate_recovery_codes",
        "make_owner",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people register themselves; `manage.py createadmin` makes an admin

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Moving someone to another household would strand their funnels and spendings, and a
        # role typed here could leave a household with two owners or none.
        readonly = [*super().get_readonly_fields(request, obj), "household", "role"]
        if self.is_scoped(request):
            # Only a superuser hands out staff rights.
            readonly += ["is_superuser", "is_staff", "groups", "user_permissions"]
        return readonly

    def service_delete(self, request: HttpRequest, obj: User) -> None:
        services.user_delete_by_staff(staff=request.user, user=obj)

    @admin.action(description="Make the owner of their household (the owner becomes a member)")
    def make_owner(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        if queryset.count() != 1:
            messages.error(request, "Pick exactly one person to become the owner.")
            return
        member = queryset.get()
        try:
            services.household_owner_change(member=member)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, f"{member.username} now owns {member.household}.")

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
