"""Admin of funnels and spendings, on the same services as the app.

Deletions (one or in bulk) go through the services, which leave deletion records for syncing
phones; saves of plans and income go through planned_save_staff and income_save_staff. An edit
that would take a funnel or a spending away from whoever sees it now (another household, another
member) is refused with a form error: such moves are made in the app, where the services write
the deletion records. Staff who are not superusers see and edit only their own household
(accounts.admin.HouseholdScopedAdmin).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin import HouseholdScopedAdmin
from funnels.income import income_save_staff, incomes_delete
from funnels.models import Funnel, Income, PlannedOccurrence, PlannedSpending, Spending
from funnels.planned import planned_save_staff, plans_delete
from funnels.services import funnels_delete, spendings_delete

FUNNEL_STAYS = "A funnel stays in its household."
FUNNEL_OWNER_STAYS = (
    "A personal funnel stays its member's: leave it, or empty it to share the funnel."
)
SPENDING_STAYS = (
    "Pick a funnel that the same members see (or a shared one of the household): "
    "otherwise the spending would vanish from the phones of whoever sees it now."
)
AUTHOR_STAYS = "Who spent it cannot be changed."


class DeleteRowsThroughService(admin.ModelAdmin):
    """Single and bulk deletes in one call of `delete_rows`, a service that deletes a queryset
    (and leaves what syncing phones need to learn of it)."""

    delete_rows: Callable[[QuerySet[Any]], int]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_rows(type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self.delete_rows(queryset)


class FunnelAdminForm(forms.ModelForm):
    """Refuses moving a funnel to another household or another member (ModelAdmin sets the
    model and fields)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        old = self.instance  # the values before this edit (the form applies them after clean)
        if old._state.adding:
            return data
        household = data.get("household")
        if household is not None and household.pk != old.household_id:
            self.add_error("household", FUNNEL_STAYS)
        owner = data.get("owner")
        # Sharing a personal funnel hides nothing; any other change of owner would.
        if owner is not None and owner.pk != old.owner_id:
            self.add_error("owner", FUNNEL_OWNER_STAYS)
        return data


class SpendingAdminForm(forms.ModelForm):
    """Refuses moving a spending where its household or member would lose sight of it."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        old = self.instance
        if old._state.adding:
            return data
        funnel = data.get("funnel")
        if funnel is not None and funnel.pk != old.funnel_id:
            before = old.funnel
            same_household = funnel.household_id == before.household_id
            if not same_household or funnel.owner_id not in (None, before.owner_id):
                self.add_error("funnel", SPENDING_STAYS)
        if "created_by" in data and getattr(data["created_by"], "pk", None) != old.created_by_id:
            self.add_error("created_by", AUTHOR_STAYS)
        return data


@admin.register(Funnel)
class FunnelAdmin(DeleteRowsThroughService, HouseholdScopedAdmin):
    form = FunnelAdminForm
    list_display = [
        "__str__",
        "household",
        "owner",
        "monthly_limit",
        "rollover",
        "position",
        "updated_at",
    ]
    list_filter = [("owner", admin.EmptyFieldListFilter), "household"]
    search_fields = ["name", "household__name", "owner__username"]
    list_select_related = ["household", "owner"]

    delete_rows = staticmethod(lambda rows: funnels_delete(funnels=rows))


@admin.register(Spending)
class SpendingAdmin(DeleteRowsThroughService, HouseholdScopedAdmin):
    form = SpendingAdminForm
    household_field = "funnel__household"
    list_display = ["spent_at", "funnel", "amount", "created_by", "note"]
    list_filter = ["funnel__household", "spent_at"]
    search_fields = ["note", "funnel__name", "created_by__username"]
    list_select_related = ["funnel", "created_by"]
    date_hierarchy = "spent_at"
    raw_id_fields = ["funnel", "created_by"]
    # A changed id would save a copy under the new one and leave the old spending behind.
    readonly_fields = ["id"]

    delete_rows = staticmethod(lambda rows: spendings_delete(spendings=rows))


@admin.register(Income)
class IncomeAdmin(DeleteRowsThroughService, HouseholdScopedAdmin):
    list_display = ["received_at", "source", "amount", "shared", "received_by", "household"]
    list_filter = ["shared", "household", "received_at"]
    search_fields = ["source", "note", "received_by__username"]
    list_select_related = ["household", "received_by"]
    date_hierarchy = "received_at"
    raw_id_fields = ["received_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Income | None = None) -> list[str]:
        # A changed id would save a copy under the new one and leave the old income behind.
        # Making income private, or moving it to another member or household, hides it from
        # whoever sees it now: the API and app do that through income_update, which leaves
        # them a tombstone.
        return ["id", "shared", "household", "received_by"] if obj is not None else ["id"]

    def save_model(self, request: HttpRequest, obj: Income, form: Any, change: bool) -> None:
        income_save_staff(income=obj)

    delete_rows = staticmethod(lambda rows: incomes_delete(incomes=rows))


class PlannedOccurrenceInline(admin.TabularInline):
    """The plan's occurrences that are done with (read-only: the app and the daily job write
    them, exactly once)."""

    model = PlannedOccurrence
    fields = ["date", "status", "spending", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlannedSpending)
class PlannedSpendingAdmin(DeleteRowsThroughService, HouseholdScopedAdmin):
    household_field = "funnel__household"
    list_display = ["__str__", "funnel", "amount", "date", "repeat", "created_by"]
    list_filter = ["repeat", "funnel__household"]
    search_fields = ["note", "funnel__name", "created_by__username"]
    list_select_related = ["funnel", "created_by"]
    fields = ["id", "funnel", "created_by", "amount", "date", "repeat", "note"]
    # Moving a plan to another funnel or author could hide it from whoever sees it now.
    readonly_fields = ["id", "funnel", "created_by"]
    inlines = [PlannedOccurrenceInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # plans are made in the app, by a member who sees the funnel

    def save_model(
        self, request: HttpRequest, obj: PlannedSpending, form: Any, change: bool
    ) -> None:
        planned_save_staff(plan=obj)

    delete_rows = staticmethod(lambda rows: plans_delete(plans=rows))
