from django.contrib import admin

from notifications.models import Delivery, Digest, Notification, ReminderSettings
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


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["addressee", "recipient", "agency", "day", "item_count", "created_at"]
    list_filter = ["day"]
    search_fields = ["addressee", "recipient__username"]
    list_select_related = ["recipient", "agency"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(ReadOnlyAdmin):
    """Set by the plan's coordinators on the plan's 提醒设置 page, where it is logged."""

    list_display = ["plan", "digest_hour", "escalate_to", "returned_every_workdays", "updated_by"]
    list_select_related = ["plan", "updated_by"]
