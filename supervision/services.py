"""督办 writes: issue (交办), acknowledge (签收), respond (反馈), close (办结), send back (退回)
and urge (催办). Each checks who acts and the current state on the row it locks
(select_for_update), runs in one transaction, and writes a SupervisionStep and a timeline
event with the actor: a 办结 and a 反馈 sent at the same moment are applied one after the
other, never one over the other."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.models import Agency
from agencies.rules import User
from reports.models import ProgressReport, ReportState
from reports.uploads import display_name, sniff
from supervision.models import (
    OWED_BY_AGENCY,
    Level,
    NoticeRecipient,
    RecipientState,
    StepKind,
    SupervisionNotice,
    SupervisionStep,
)
from supervision.selectors import Target, target_candidate_agencies, target_task
from tasks.events import event_record
from tasks.models import EventKind, Task, WorkItem

TEXT_MAX = 5000

_EVENT_KINDS = {
    StepKind.ISSUED: EventKind.SUPERVISION_ISSUED,
    StepKind.ACKNOWLEDGED: EventKind.SUPERVISION_ACKNOWLEDGED,
    StepKind.RESPONDED: EventKind.SUPERVISION_RESPONDED,
    StepKind.CLOSED: EventKind.SUPERVISION_CLOSED,
    StepKind.RETURNED: EventKind.SUPERVISION_RETURNED,
    StepKind.URGED: EventKind.SUPERVISION_URGED,
}


def _text(value: str, *, field: str, message: str, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: message})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: _("内容过长，最多 %(n)d 个字。") % {"n": TEXT_MAX}})
    return text


# --- 交办 ---------------------------------------------------------------------------------


def notice_issue(
    *,
    actor: User,
    target: Target,
    agency_ids: Iterable[int],
    subject: str,
    reason: str,
    deadline: dt.date | None,
    level: str,
) -> SupervisionNotice:
    """A 督办单 numbered 〔year〕N号 of the plan's lead agency, one recipient row per agency.
    Refused with a message naming the field (and nothing written) without a deadline, a
    recipient, what or why."""
    task = target_task(target)
    plan = task.plan
    if not rules.can_coordinate_plan(actor, plan):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以发督办单。"))
    _check_target(target)
    values = _issue_values(target, agency_ids, subject, reason, deadline, level)
    today = timezone.localdate()
    with transaction.atomic():
        # The issuing agency's row is the lock that numbers its notices one after another.
        issuer = Agency.objects.select_for_update().get(pk=plan.lead_agency_id)
        last = SupervisionNotice.objects.filter(issuing_agency=issuer, year=today.year).aggregate(
            n=Max("number")
        )["n"]
        notice = SupervisionNotice.objects.create(
            plan=plan,
            issuing_agency=issuer,
            year=today.year,
            number=(last or 0) + 1,
            task=target if isinstance(target, Task) else None,
            work_item=target if isinstance(target, WorkItem) else None,
            report=target if isinstance(target, ProgressReport) else None,
            issued_by=actor,
            subject=values["subject"],
            reason=values["reason"],
            deadline=values["deadline"],
            level=values["level"],
        )
        for order, agency in enumerate(values["agencies"]):
            recipient = NoticeRecipient.objects.create(notice=notice, agency=agency, order=order)
            _step(actor, recipient, StepKind.ISSUED, "", RecipientState.ISSUED, values["subject"])
    return notice


def _check_target(target: Target) -> None:
    if isinstance(target, ProgressReport) and target.state == ReportState.ACCEPTED:
        raise ValidationError(_("该报告已采纳，无需督办。"))


def _issue_values(
    target: Target,
    agency_ids: Iterable[int],
    subject: str,
    reason: str,
    deadline: dt.date | None,
    level: str,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    wanted = [int(pk) for pk in agency_ids or []]
    candidates = {a.pk: a for a in target_candidate_agencies(target)}
    if not wanted:
        errors["agencies"] = _("请至少选择一个承办单位。")
    elif any(pk not in candidates for pk in wanted):
        errors["agencies"] = _("承办单位须是督办对象的责任单位。")
    if deadline is None:
        errors["deadline"] = _("请填写办理时限。")
    elif deadline < timezone.localdate():
        errors["deadline"] = _("办理时限不能早于今天。")
    if level not in Level.values:
        errors["level"] = _("请选择督办级别。")
    values: dict[str, Any] = {"deadline": deadline, "level": level}
    for field, value, message in (
        ("subject", subject, _("请填写督办事项。")),
        ("reason", reason, _("请填写督办理由。")),
    ):
        try:
            values[field] = _text(value, field=field, message=message)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    values["agencies"] = [candidates[pk] for pk in dict.fromkeys(wanted)]
    return values


# --- the recipient agency: 签收, 反馈 --------------------------------------------------------


def _require_recipient_member(actor: User, recipient: NoticeRecipient) -> None:
    if recipient.agency_id not in rules.reporting_agency_ids(actor):
        raise PermissionDenied(_("只有承办单位的联络员或协调员可以办理此督办单。"))


def _require_coordinator(actor: User, recipient: NoticeRecipient) -> None:
    if not rules.can_coordinate_plan(actor, recipient.notice.plan):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以执行此操作。"))


def _locked(recipient: NoticeRecipient) -> NoticeRecipient:
    return NoticeRecipient.objects.select_for_update().get(pk=recipient.pk)


def notice_acknowledge(*, actor: User, recipient: NoticeRecipient) -> NoticeRecipient:
    """签收: once. A second 签收 is refused and changes nothing."""
    _require_recipient_member(actor, recipient)
    with transaction.atomic():
        current = _locked(recipient)
        if current.state != RecipientState.ISSUED:
            raise ValidationError(_("该督办单已签收，不能重复签收。"))
        _move(actor, current, StepKind.ACKNOWLEDGED, RecipientState.ACKNOWLEDGED, "")
        current.acknowledged_at = timezone.now()
        current.save(update_fields=["state", "acknowledged_at"])
    return current


def notice_respond(
    *, actor: User, recipient: NoticeRecipient, text: str, upload: UploadedFile | None = None
) -> NoticeRecipient:
    """反馈 with text and an optional evidence file (checked by its content). Again after a
    退回, or to add to an earlier 反馈; refused once 办结."""
    _require_recipient_member(actor, recipient)
    text = _text(text, field="text", message=_("请填写反馈内容。"))
    data = upload.read() if upload is not None else b""
    kind = sniff(data) if upload is not None else None
    with transaction.atomic():
        current = _locked(recipient)
        if current.state == RecipientState.CLOSED:
            raise ValidationError(_("该督办单已办结，不能再反馈。"))
        if current.state == RecipientState.ISSUED:
            raise ValidationError(_("请先签收督办单，再反馈。"))
        step = SupervisionStep(
            notice_id=current.notice_id,
            recipient=current,
            kind=StepKind.RESPONDED,
            actor=actor,
            from_state=current.state,
            to_state=RecipientState.RESPONDED,
            text=text,
        )
        if kind is not None and upload is not None:
            step.evidence_name = display_name(upload.name or "", extension=kind.extension)
            step.evidence_type = kind.content_type
            name = f"{uuid.uuid4().hex}.{kind.extension}"
            step.evidence.save(name, ContentFile(data), save=False)
        try:
            _move(actor, current, StepKind.RESPONDED, RecipientState.RESPONDED, text, step=step)
        except Exception:
            if step.evidence:
                step.evidence.delete(save=False)
            raise
        current.response, current.responded_at = text, timezone.now()
        current.save(update_fields=["state", "response", "responded_at"])
    return current


# --- the coordinator: 办结, 退回, 催办 --------------------------------------------------------


def notice_close(*, actor: User, recipient: NoticeRecipient, note: str = "") -> NoticeRecipient:
    """办结 the recipient's part, at any open state (a 反馈 that came first is kept)."""
    _require_coordinator(actor, recipient)
    note = _text(note, field="note", message="", required=False)
    with transaction.atomic():
        current = _locked(recipient)
        if current.state == RecipientState.CLOSED:
            raise ValidationError(_("该督办单已办结。"))
        _move(actor, current, StepKind.CLOSED, RecipientState.CLOSED, note)
        current.closed_at = timezone.now()
        current.save(update_fields=["state", "closed_at"])
    return current


def notice_send_back(*, actor: User, recipient: NoticeRecipient, reason: str) -> NoticeRecipient:
    """退回 a 反馈 with a reason: the agency owes a new one."""
    _require_coordinator(actor, recipient)
    reason = _text(reason, field="reason", message=_("请填写退回原因。"))
    with transaction.atomic():
        current = _locked(recipient)
        if current.state != RecipientState.RESPONDED:
            raise ValidationError(_("只有已反馈的督办单可以退回。"))
        _move(actor, current, StepKind.RETURNED, RecipientState.RETURNED, reason)
        current.return_reason = reason
        current.save(update_fields=["state", "return_reason"])
    return current


def notice_urge(*, actor: User, recipient: NoticeRecipient, note: str = "") -> NoticeRecipient:
    """催办: the agency's liaisons find it in their next reminder digest."""
    _require_coordinator(actor, recipient)
    note = _text(note, field="note", message="", required=False)
    with transaction.atomic():
        current = _locked(recipient)
        if current.state not in OWED_BY_AGENCY:
            raise ValidationError(_("该单位已反馈或已办结，无需催办。"))
        _step(actor, current, StepKind.URGED, current.state, current.state, note)
        current.urged_at = timezone.now()
        current.urge_count += 1
        current.save(update_fields=["urged_at", "urge_count"])
    return current


# --- steps --------------------------------------------------------------------------------


def _move(
    actor: User,
    recipient: NoticeRecipient,
    kind: str,
    to_state: str,
    text: str,
    *,
    step: SupervisionStep | None = None,
) -> None:
    _step(actor, recipient, kind, recipient.state, to_state, text, step=step)
    recipient.state = to_state


def _step(
    actor: User,
    recipient: NoticeRecipient,
    kind: str,
    from_state: str,
    to_state: str,
    text: str,
    *,
    step: SupervisionStep | None = None,
) -> SupervisionStep:
    """The step row and its timeline event (on the target's task, work item or report)."""
    if step is None:
        step = SupervisionStep(
            notice_id=recipient.notice_id,
            recipient=recipient,
            kind=kind,
            actor=actor,
            from_state=from_state,
            to_state=to_state,
            text=text,
        )
    step.save()
    notice = SupervisionNotice.objects.select_related(
        "plan", "task", "work_item__task", "report__task"
    ).get(pk=recipient.notice_id)
    event_record(
        actor=actor,
        kind=_EVENT_KINDS[StepKind(kind)],
        plan=notice.plan,
        task=notice.target_task,
        work_item=notice.work_item,
        report=notice.report,
        agency=recipient.agency,
        from_value=from_state,
        to_value=to_state,
        reason=text,
        data={
            "notice": notice.pk,
            "number": str(notice.number_label),
            "level": notice.level,
            "deadline": notice.deadline.isoformat(),
            "agency": recipient.agency.name,
            "evidence": step.evidence_name,
        },
    )
    return step
