from django.contrib import admin

from ops.admin_bases import AppendOnlyAdmin
from security.models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(AppendOnlyAdmin):
    """Read only: the log is written by the application and never edited."""

    list_display = ["occurred_at", "kind", "username", "ip", "method", "path"]
    list_filter = ["kind"]
    search_fields = ["username", "path", "ip"]
    date_hierarchy = "occurred_at"
