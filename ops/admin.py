from django.contrib import admin

from ops.admin_bases import ReadOnlyAdmin
from ops.models import JobRun, OutboxMessage


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """Read-only: the log is written by the jobs, never by hand."""

    list_display = ["job", "as_of", "started_at", "finished_at", "outcome", "counts"]
    list_filter = ["job", "outcome"]
    date_hierarchy = "started_at"
    readonly_fields = ["job", "as_of", "started_at", "finished_at", "outcome", "counts", "error"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["task_name", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["task_name"]
    readonly_fields = ["task_name", "kwargs", "created_at", "sent_at", "attempts", "last_error"]
