from django.contrib import admin

from config.admin import AppendOnlyAdmin, ReadOnlyAdmin
from reports.models import (
    Attachment,
    MeetingPack,
    ProgressReport,
    Reminder,
    ReportingPeriod,
    Rollup,
)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "plan", "cadence", "opens_on", "due_on"]
    list_filter = ["plan", "cadence"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["task", "agency", "period", "state", "is_late", "is_typical_case"]
    list_filter = ["state", "is_late", "is_typical_case", "period__plan"]
    search_fields = ["task__title", "agency__name", "progress"]
    # Report states change through submit/return/accept, which record events.
    readonly_fields = ["state", "submitted_at", "reviewed_at", "is_late", "version"]
    list_select_related = ["task", "agency", "period"]
    inlines = [AttachmentInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "report", "size", "uploaded_at"]
    readonly_fields = ["sha256", "size", "content_type"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["task", "agency", "period", "step", "escalated", "created_at", "sent_at"]
    list_filter = ["step", "escalated", "period__plan"]
    list_select_related = ["task", "agency", "period"]


@admin.register(Rollup)
class RollupAdmin(AppendOnlyAdmin):
    list_display = ["as_of", "batch", "plan", "scope_key", "tasks_total", "reports_missing"]
    list_filter = ["batch", "scope", "plan"]
    date_hierarchy = "as_of"
    list_select_related = ["plan"]


@admin.register(MeetingPack)
class MeetingPackAdmin(ReadOnlyAdmin):
    list_display = ["plan", "meeting", "state", "progress", "created_at", "finished_at"]
    list_filter = ["state", "plan"]
    list_select_related = ["plan", "meeting"]
