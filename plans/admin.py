from django.contrib import admin

from plans.models import GuaranteeMeasure, Indicator, IndicatorValue, Plan, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["order", "label", "title", "kind", "parent"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class GuaranteeInline(admin.StackedInline):
    model = GuaranteeMeasure
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "region", "kind", "issued_on", "lead_agency"]
    list_filter = ["kind", "region"]
    search_fields = ["title", "doc_number", "code"]
    autocomplete_fields = ["region", "lead_agency", "parent"]
    readonly_fields = ["source_sha256", "created_at", "updated_at", "imported_by"]
    inlines = [SectionInline, IndicatorInline, GuaranteeInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["plan", "label", "title", "kind"]
    list_filter = ["kind", "plan"]
    search_fields = ["title"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["plan", "name", "target", "unit", "target_year"]
    search_fields = ["name"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "value", "reported_by"]


@admin.register(GuaranteeMeasure)
class GuaranteeMeasureAdmin(admin.ModelAdmin):
    list_display = ["plan", "label", "title"]
