from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin import HouseholdScopedAdmin
from funnels.income import incomes_delete
from funnels.models import Funnel, Income, Spending
from funnels.services import funnels_delete, spendings_delete


@admin.register(Funnel)
class FunnelAdmin(HouseholdScopedAdmin):
    list_display = ["__str__", "household", "owner", "monthly_limit", "position", "updated_at"]
    list_filter = [("owner", admin.EmptyFieldListFilter), "household"]
    search_fields = ["name", "household__name", "owner__username"]
    list_select_related = ["household", "owner"]

    def delete_model(self, request: HttpRequest, obj: Funnel) -> None:
        funnels_delete(funnels=Funnel.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Funnel]) -> None:
        funnels_delete(funnels=queryset)


@admin.register(Spending)
class SpendingAdmin(HouseholdScopedAdmin):
    household_field = "funnel__household"
    list_display = ["spent_at", "funnel", "amount", "created_by", "note"]
    list_filter = ["funnel__household", "spent_at"]
    search_fields = ["note", "funnel__name", "created_by__username"]
    list_select_related = ["funnel", "created_by"]
    date_hierarchy = "spent_at"
    raw_id_fields = ["funnel", "created_by"]

    # Deletions go through the service so that syncing phones get tombstones.
    def delete_model(self, request: HttpRequest, obj: Spending) -> None:
        spendings_delete(spendings=Spending.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Spending]) -> None:
        spendings_delete(spendings=queryset)


@admin.register(Income)
class IncomeAdmin(HouseholdScopedAdmin):
    list_display = ["received_at", "source", "amount", "shared", "received_by", "household"]
    list_filter = ["shared", "household", "received_at"]
    search_fields = ["source", "note", "received_by__username"]
    list_select_related = ["household", "received_by"]
    date_hierarchy = "received_at"
    raw_id_fields = ["received_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Income | None = None) -> list[str]:
        # Making income private hides it from the others' phones: the API and app do that
        # through income_update, which leaves them a tombstone.
        return ["shared"] if obj is not None else []

    # Deletions go through the service so that syncing phones get tombstones.
    def delete_model(self, request: HttpRequest, obj: Income) -> None:
        incomes_delete(incomes=Income.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Income]) -> None:
        incomes_delete(incomes=queryset)
