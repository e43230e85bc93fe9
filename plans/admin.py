from django.contrib import admin

from plans.models import (
    Committee,
    CommitteeMember,
    Decision,
    GuaranteeMeasure,
    Indicator,
    IndicatorValue,
    Meeting,
    Plan,
    Section,
)


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


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    autocomplete_fields = ["user", "agency"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "plan"]
    inlines = [CommitteeMemberInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "committee", "held_on", "frozen_at"]
    list_filter = ["committee"]
    filter_horizontal = ["attendees"]
    # Freezing goes through the meeting page (it writes the rollup and records an event).
    readonly_fields = ["frozen_at"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "order", "text", "work_item"]
    list_filter = ["meeting__committee"]
    # Decisions are recorded on the meeting page, which creates their work items.
    readonly_fields = ["meeting", "order", "work_item", "created_by", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
