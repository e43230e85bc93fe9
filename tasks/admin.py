from django.contrib import admin

from ops.admin_bases import AppendOnlyAdmin
from tasks.models import Event, PlanImportJob, Responsibility, Task, WorkItem


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["plan", "label", "title", "status", "non_exhaustive"]
    list_filter = ["status", "plan"]
    search_fields = ["title", "body"]
    # Status changes go through the workflow, which records the event; not through the admin.
    readonly_fields = ["status", "status_changed_at", "version"]
    inlines = [ResponsibilityInline]


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = ["title", "task", "year", "due_on", "status", "source"]
    list_filter = ["status", "source", "year"]
    search_fields = ["title"]
    filter_horizontal = ["agencies"]
    readonly_fields = ["status", "version"]


@admin.register(Event)
class EventAdmin(AppendOnlyAdmin):
    """Read only: the timeline is append-only."""

    list_display = ["created_at", "kind", "actor", "plan", "task", "from_value", "to_value"]
    list_filter = ["kind"]
    search_fields = ["reason", "task__title"]
    list_select_related = ["actor", "plan", "task"]


@admin.register(PlanImportJob)
class PlanImportJobAdmin(admin.ModelAdmin):
    """Read-only: the rows are written by the import page and its jobs."""

    list_display = ["pk", "filename", "requested_by", "state", "progress", "created_at", "plan"]
    list_filter = ["state"]
    exclude = ["document", "text", "parsed"]  # up to 10 MB each: not for a form

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
