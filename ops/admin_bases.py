"""Admin bases shared by the apps."""

from __future__ import annotations

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the application or its jobs: admins read them, never add or edit."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class AppendOnlyAdmin(ReadOnlyAdmin):
    """Logs that are evidence (the event timeline, the security log): not deleted either."""

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
