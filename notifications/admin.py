from django.contrib import admin

from notifications.models import Delivery, Notification, Reminder
from ops.admin_bases import ReadOnlyAdmin


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "kind", "title", "body", "link", "dedupe_key", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Admins see what went out and what failed; sending happens only through the jobs."""

    list_display = ["subject", "channel", "address", "state", "attempts", "sent_at"]
    list_filter = ["channel", "state"]
    search_fields = ["address", "subject"]
    readonly_fields = [f for f in list_display if f != "subject"] + ["last_error", "dedupe_key"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["task", "agency", "period", "step", "escalated", "created_at", "sent_at"]
    list_filter = ["step", "escalated", "period__plan"]
    list_select_related = ["task", "agency", "period"]
