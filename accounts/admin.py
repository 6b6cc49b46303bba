from __future__ import annotations

from django.contrib import admin

from accounts.models import Household, User


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
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


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "display_name", "household", "role", "is_staff", "date_joined"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["username", "display_name", "household__name"]
    list_select_related = ["household"]
    exclude = ["password"]
    readonly_fields = ["last_login", "date_joined"]
