"""Timeline events that someone should hear about, and whom to tell.

`event_record` (tasks.events) puts one outbox message per such event in the same
transaction; the job `notifications.event_notify` calls `event_notify` with its id.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from agencies.models import Role
from notifications.models import Kind
from notifications.recipients import REPORTERS, agency_members
from notifications.services import Message, notification_fan_out
from reports.models import ReportState
from tasks.models import Event, EventKind, ExtensionRequest


def event_notify(*, event_id: int) -> None:
    event = Event.objects.select_related("plan", "task", "report__agency", "actor").get(pk=event_id)
    with translation.override(translation.get_language() or "zh-hans"):
        recipients, message = _route(event)
    recipients = [u for u in recipients if u.pk != event.actor_id]  # not the one who acted
    if recipients:
        notification_fan_out(dedupe_key=f"event:{event.pk}", message=message, users=recipients)


def _route(event: Event) -> tuple[list, Message]:
    plan, task = event.plan, event.task
    coordinators = agency_members(agency_ids=[plan.lead_agency_id], roles=[Role.COORDINATOR])
    subject = f"{task.label}{task.title}" if task else plan.title
    if event.kind == EventKind.REPORT_STATE_CHANGED:
        report = event.report
        link = reverse("reports:report_detail", args=[report.pk])
        if event.to_value == ReportState.SUBMITTED:
            title = _("%(agency)s 提交了进展报告:%(task)s") % {
                "agency": report.agency.name,
                "task": subject,
            }
            return coordinators, Message(Kind.REPORT, title, str(report.period), link)
        if event.to_value in (ReportState.RETURNED, ReportState.ACCEPTED):
            verb = _("退回") if event.to_value == ReportState.RETURNED else _("采纳")
            title = _("进展报告已%(verb)s:%(task)s") % {"verb": verb, "task": subject}
            people = agency_members(agency_ids=[report.agency_id], roles=REPORTERS)
            return people, Message(Kind.REPORT, title, event.reason, link)
        return [], Message(Kind.REPORT, "", "")
    link = (
        reverse("tasks:work_item_detail", args=[event.work_item_id]) if event.work_item_id else ""
    )
    if event.kind == EventKind.EXTENSION_REQUESTED:
        title = _("延期申请待审批:%(task)s") % {"task": subject}
        return coordinators, Message(Kind.EXTENSION, title, event.reason, link)
    request = ExtensionRequest.objects.get(pk=event.data["request"])
    title = _("延期申请已审批:%(task)s") % {"task": subject}
    people = [request.requested_by] if request.requested_by else []
    return people, Message(Kind.EXTENSION, title, event.to_label, link)
