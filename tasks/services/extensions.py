"""Extension requests (延期申请): a liaison asks for a later due date, the coordinator decides."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.models import Agency, Role
from agencies.rules import User
from tasks.events import event_record
from tasks.models import EventKind, ExtensionRequest, ExtensionState, Status, WorkItem
from tasks.services.common import require_coordinator, required_text


def extension_agency_ids(user: User, work_item: WorkItem) -> set[int]:
    """Agencies the user may ask an extension for: those where the user is a liaison and
    that are named on the work item or carry its task. (A rule: belongs with agencies.rules.)"""
    mine = rules.agency_ids(user, roles=[Role.LIAISON])
    if not mine:
        return set()
    named = Q(work_items=work_item) | Q(responsibilities__task_id=work_item.task_id)
    return set(Agency.objects.filter(named, pk__in=mine).values_list("pk", flat=True))


def extension_request(
    *, actor: User, work_item: WorkItem, agency: Agency, new_due_on: dt.date, reason: str
) -> ExtensionRequest:
    if agency.pk not in extension_agency_ids(actor, work_item):
        raise PermissionDenied(_("只有该工作要点责任单位的联络员可以申请延期。"))
    reason = required_text(reason, field="reason", message=_("请填写延期理由。"))
    with transaction.atomic():
        # The lock orders concurrent requests: the second sees the first as pending.
        item = WorkItem.objects.select_for_update().get(pk=work_item.pk)
        if item.status == Status.COMPLETED:
            raise ValidationError(_("该工作要点已办结，不能申请延期。"))
        if new_due_on <= item.due_on:
            raise ValidationError({"new_due_on": _("申请延至的日期须晚于当前完成时限。")})
        if item.extension_requests.filter(state=ExtensionState.PENDING).exists():
            raise ValidationError(_("该工作要点已有待审批的延期申请。"))
        request = ExtensionRequest.objects.create(
            work_item=item,
            agency=agency,
            requested_by=actor,
            requested_due_on=new_due_on,
            reason=reason,
        )
        event_record(
            actor=actor,
            kind=EventKind.EXTENSION_REQUESTED,
            plan=work_item.task.plan,
            task=work_item.task,
            work_item=item,
            from_value=item.due_on.isoformat(),
            to_value=new_due_on.isoformat(),
            reason=reason,
            data={"agency": agency.name, "request": request.pk},
        )
    return request


def extension_decide(
    *, actor: User, request: ExtensionRequest, grant: bool, note: str
) -> ExtensionRequest:
    """Grant (the work item's due date moves) or refuse (a note is then required)."""
    task = request.work_item.task
    require_coordinator(actor, task)
    note = (note or "").strip()
    if not grant and not note:
        raise ValidationError({"note": _("不同意时请说明理由。")})
    with transaction.atomic():
        current = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if current.state != ExtensionState.PENDING:
            raise ValidationError(_("该延期申请已处理。"))
        item = WorkItem.objects.select_for_update().get(pk=current.work_item_id)
        due_before = item.due_on
        if grant:
            # The version moves too: an edit form opened before the extension is now stale.
            WorkItem.objects.filter(pk=item.pk).update(
                due_on=current.requested_due_on, version=F("version") + 1
            )
        current.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.decision_note = note
        current.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        event_record(
            actor=actor,
            kind=EventKind.EXTENSION_DECIDED,
            plan=task.plan,
            task=task,
            work_item=item,
            from_value=ExtensionState.PENDING,
            to_value=current.state,
            reason=note,
            data={
                "request": current.pk,
                "due_on_before": due_before.isoformat(),
                "due_on_after": (current.requested_due_on if grant else due_before).isoformat(),
            },
        )
    return current
