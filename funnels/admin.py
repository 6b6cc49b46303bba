from __future__ import annotations

from django.contrib import admin

from accounts.admin import HouseholdScopedAdmin
from funnels.models import Funnel, Spending


@admin.register(Funnel)
class FunnelAdmin(HouseholdScopedAdmin):
    list_display = ["__str__", "household", "owner", "monthly_limit", "position", "updated_at"]
    list_filter = [("owner", admin.EmptyFieldListFilter), "household"]
    search_fields = ["name", "household__name", "owner__username"]
    list_select_related = ["household", "owner"]


@admin.register(Spending)
class SpendingAdmin(HouseholdScopedAdmin):
    household_field = "funnel__household"
    list_display = ["spent_at", "funnel", "amount", "created_by", "note"]
    list_filter = ["funnel__household", "spent_at"]
    search_fields = ["note", "funnel__name", "created_by__username"]
    list_select_related = ["funnel", "created_by"]
    date_hierarchy = "spent_at"
    raw_id_fields = ["funnel", "created_by"]
