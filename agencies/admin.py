from django.contrib import admin

from agencies.models import Agency, AgencyAlias, Membership, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


class AliasInline(admin.TabularInline):
    model = AgencyAlias
    extra = 0
    autocomplete_fields = ["region"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "level", "side", "region", "needs_review"]
    list_filter = ["side", "level", "needs_review"]
    search_fields = ["name", "short_name", "aliases__name"]
    autocomplete_fields = ["parent", "region"]
    inlines = [AliasInline]


@admin.register(AgencyAlias)
class AgencyAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "agency"]
    search_fields = ["name", "agency__name"]
    list_filter = ["region"]
    autocomplete_fields = ["region", "agency"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "agency__name"]
    autocomplete_fields = ["user", "agency"]
