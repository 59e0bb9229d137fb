from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(models.SupervisingUnit)
class SupervisingUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "region", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["region"]


@admin.register(models.Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "filing_number", "org_type", "category", "region", "status"]
    list_filter = ["org_type", "category", "status"]
    search_fields = ["name", "credit_code", "filing_number", "name_initials"]
    raw_id_fields = ["region", "supervising_unit"]
    list_select_related = ["region"]


@admin.register(models.UserScope)
class UserScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "region", "roles", "supervising_unit", "organization"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "region", "supervising_unit", "organization"]


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]


for model in (
    models.ChecklistItem,
    models.DirectRegistrationCategory,
    models.TimeLimitRule,
    models.CalendarDay,
):
    admin.site.register(model)
