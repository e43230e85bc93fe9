from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from notifications.models import Delivery, Digest, Notification, ReminderSettings
from ops.admin_bases import ReadOnlyAdmin
from ops.page_cache import viewers_changed


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    # Read or unread is the recipient's own doing (notification_mark_read): not edited here.
    readonly_fields = [
        "recipient", "kind", "title", "body", "link", "dedupe_key", "created_at", "read_at"
    ]  # fmt: skip

    def has_add_permission(self, request: object) -> bool:
        return False

    # A deleted notification leaves its recipient's bell: their kept pages are rebuilt.
    def delete_model(self, request: HttpRequest, obj: Notification) -> None:
        viewers_changed([obj.recipient_id])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        viewers_changed(list(queryset.values_list("recipient_id", flat=True).distinct()))
        super().delete_queryset(request, queryset)


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
