from django.contrib import admin

from reports.models import Attachment, ProgressReport, ReportingPeriod


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
