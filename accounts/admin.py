"""Admin of the sign-in state (invites, device sessions, authenticators, tokens), and the
household scoping every admin of the project uses: staff who are not superusers see only their
own household. The User and Household admins are in households/admin.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_simplejwt.token_blacklist.admin import (
    BlacklistedTokenAdmin,
    OutstandingTokenAdmin,
)
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import DeviceSession, Household, Invite, User


class HouseholdScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows, choices and filters stop at the staff member's household.

    `household_field` is the lookup from the model to its household ("pk" for Household).
    Superusers see everything.
    """

    household_field = "household"

    @staticmethod
    def is_scoped(request: HttpRequest) -> bool:
        return not request.user.is_superuser

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if not self.is_scoped(request):
            return queryset
        return queryset.filter(**{self.household_field: request.user.household_id})

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters = list(super().get_list_filter(request))
        if not self.is_scoped(request):
            return filters
        # A filter listing households or members would name those of other households.
        return [f for f in filters if not _names_other_households(f)]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if self.is_scoped(request):
            household_id = request.user.household_id
            model = db_field.related_model
            if model is Household:
                kwargs["queryset"] = Household.objects.filter(pk=household_id)
            elif model is User:
                kwargs["queryset"] = User.objects.filter(household_id=household_id)
            elif hasattr(model, "household"):
                kwargs["queryset"] = model.objects.filter(household_id=household_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DeleteThroughServiceAdmin(admin.ModelAdmin):
    """A ModelAdmin whose single and bulk deletes call a service, one object at a time.

    Subclasses implement `service_delete` and keep "delete_selected" in their `actions` (it
    takes the place of the site-wide action, which would skip the service). A deletion the
    service refuses (ValidationError or PermissionDenied) becomes an error message on the admin
    page, never a 500, and leaves the object and the admin log as they were; in a bulk delete
    the others still go.
    """

    actions = ["delete_selected"]

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.service_delete(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.service_delete(request, obj)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        try:
            # Django runs the log entry and delete_model in one transaction: a refusal undoes both.
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, PermissionDenied) as refusal:
            self.message_user(request, _refusal_text(refusal), messages.ERROR)
            opts = self.opts
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            return HttpResponseRedirect(change)

    @admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
    def delete_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        """Django's confirmation page first; then each object through the service."""
        if not request.POST.get("post"):
            return admin_actions.delete_selected(self, request, queryset)
        deleted = 0
        for obj in queryset:
            name = str(obj)
            try:
                with transaction.atomic():
                    self.log_deletions(request, [obj])
                    self.service_delete(request, obj)
            except (ValidationError, PermissionDenied) as refusal:
                self.message_user(request, f"{name}: {_refusal_text(refusal)}", messages.ERROR)
            else:
                deleted += 1
        if deleted:
            plural = self.opts.verbose_name if deleted == 1 else self.opts.verbose_name_plural
            self.message_user(request, f"Deleted {deleted} {plural}.", messages.SUCCESS)
        return None


def _refusal_text(refusal: ValidationError | PermissionDenied) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal) or "You may not delete this."


def _names_other_households(list_filter: Any) -> bool:
    name = list_filter[0] if isinstance(list_filter, tuple) else list_filter
    return isinstance(name, str) and (
        name.endswith("household") or name in {"owner", "created_by", "user"}
    )


@admin.register(Invite)
class InviteAdmin(HouseholdScopedAdmin):
    list_display = ["code", "household", "created_at", "expires_at", "used_at", "revoked_at"]
    list_filter = ["household"]
    list_select_related = ["household"]
    readonly_fields = ["code", "created_by", "created_at", "used_at", "used_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invites come from the household page (services.invite_create)


@admin.register(DeviceSession)
class DeviceSessionAdmin(HouseholdScopedAdmin):
    household_field = "user__household"
    list_display = ["user", "kind", "user_agent", "created_at", "ended_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The admins that django-otp and simplejwt register, scoped to the household the same way.
admin.site.unregister(StaticDevice)  # recovery codes are RecoveryDevice, stored hashed
for model, base, field in (
    (TOTPDevice, TOTPDeviceAdmin, "user__household"),
    (OutstandingToken, OutstandingTokenAdmin, "user__household"),
    (BlacklistedToken, BlacklistedTokenAdmin, "token__user__household"),
):
    admin.site.unregister(model)
    admin.site.register(
        model,
        type(f"Scoped{base.__name__}", (HouseholdScopedAdmin, base), {"household_field": field}),
    )
