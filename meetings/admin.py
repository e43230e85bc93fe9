from django.contrib import admin

from meetings.models import Committee, CommitteeMember, Decision, Meeting, MeetingPack
from ops.admin_bases import ReadOnlyAdmin


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    autocomplete_fields = ["user", "agency"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "plan"]
    inlines = [CommitteeMemberInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "committee", "held_on", "frozen_at"]
    list_filter = ["committee"]
    filter_horizontal = ["attendees"]
    # Freezing goes through the meeting page (it writes the rollup and records an event).
    readonly_fields = ["frozen_at"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "order", "text", "work_item"]
    list_filter = ["meeting__committee"]
    # Decisions are recorded on the meeting page, which creates their work items.
    readonly_fields = ["meeting", "order", "work_item", "created_by", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(MeetingPack)
class MeetingPackAdmin(ReadOnlyAdmin):
    list_display = ["plan", "meeting", "state", "progress", "created_at", "finished_at"]
    list_filter = ["state", "plan"]
    list_select_related = ["plan", "meeting"]
