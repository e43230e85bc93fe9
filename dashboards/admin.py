from django.contrib import admin

from dashboards.models import Rollup
from ops.admin_bases import AppendOnlyAdmin


@admin.register(Rollup)
class RollupAdmin(AppendOnlyAdmin):
    list_display = ["as_of", "batch", "plan", "scope_key", "tasks_total", "reports_missing"]
    list_filter = ["batch", "scope", "plan"]
    date_hierarchy = "as_of"
    list_select_related = ["plan"]
