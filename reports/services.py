"""Writes for reporting: progress reports and their review, evidence files (the periods are
in reports/periods.py).

Report states move draft → submitted → returned (with a reason) or accepted; an accepted
report may be flagged a typical case. Every transition checks the current state, runs in one
transaction and writes an event with its actor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.models import Agency
from agencies.rules import User
from ops.concurrency import Conflict, compare_and_set
from ops.page_cache import changes_seen_only_by
from reports.models import REPORT_FIELDS, Attachment, ProgressReport, ReportingPeriod, ReportState
from reports.uploads import display_name, sniff
from tasks.events import event_record
from tasks.models import Event, EventKind, Task
from tasks.services.common import conflict_from, required_text

EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)

# --- progress reports -------------------------------------------------------------------


def _report_conflict(report: ProgressReport) -> Conflict:
    current = ProgressReport.objects.get(pk=report.pk)
    return conflict_from(current, Event.objects.filter(report=report))


def _clean_fields(values: dict) -> dict:
    cleaned = {k: (values.get(k) or "").strip() for k in REPORT_FIELDS if k != "percent"}
    percent = values.get("percent")
    if percent not in (None, ""):
        percent = int(percent)
        if not 0 <= percent <= 100:
            raise ValidationError({"percent": _("完成进度应在 0 到 100 之间。")})
    cleaned["percent"] = None if percent in (None, "") else percent
    return cleaned


def report_save_draft(
    *,
    actor: User,
    task: Task,
    agency: Agency,
    period: ReportingPeriod,
    values: dict,
    expected_version: int | None = None,
) -> ProgressReport:
    """Create or update the agency's report for the period while it is a draft or returned.

    A new report needs no version; an existing one must name the version its editor read."""
    if period.plan_id != task.plan_id:
        raise ValidationError(_("报送周期与任务不属于同一方案。"))
    if not rules.can_write_report(actor, task, agency.pk):
        raise PermissionDenied(_("您只能为本单位承担的任务填报。"))
    fields = _clean_fields(values)
    with transaction.atomic():
        report = ProgressReport.objects.filter(task=task, agency=agency, period=period).first()
        # A draft is seen by its own agency alone (`visible_to`): saving one moves only its
        # members' kept pages. A returned report is seen by its reviewers too.
        draft = report is None or report.state == ReportState.DRAFT
        with changes_seen_only_by(rules.member_ids(agency.pk) if draft else None):
            report = _write_draft(
                report,
                task=task,
                agency=agency,
                period=period,
                fields=fields,
                expected_version=expected_version,
            )
    return report


def _write_draft(
    report: ProgressReport | None,
    *,
    task: Task,
    agency: Agency,
    period: ReportingPeriod,
    fields: dict,
    expected_version: int | None,
) -> ProgressReport:
    if report is None:
        try:
            with transaction.atomic():
                return ProgressReport.objects.create(
                    task=task, agency=agency, period=period, **fields
                )
        except IntegrityError:  # a colleague created it a moment ago
            report = ProgressReport.objects.get(task=task, agency=agency, period=period)
            raise _report_conflict(report) from None
    if report.state not in EDITABLE:
        raise ValidationError(_("报告已提交，不能再修改。"))
    # The version check also holds the state: every transition moves the version on.
    if expected_version is None or not compare_and_set(
        ProgressReport, pk=report.pk, version=expected_version, updated_at=timezone.now(), **fields
    ):
        raise _report_conflict(report)
    report.refresh_from_db()
    return report


def _transition(
    *,
    actor: User,
    report: ProgressReport,
    allowed: tuple[str, ...],
    to: str,
    reason: str = "",
    extra: dict | None = None,
    expected_version: int | None = None,
) -> ProgressReport:
    with transaction.atomic():
        current = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if expected_version is not None and current.version != expected_version:
            raise _report_conflict(report)
        if current.state not in allowed:
            raise ValidationError(
                _("报告当前状态为“%(state)s”，不能执行此操作。")
                % {"state": current.get_state_display()}
            )
        values = {"state": to, "version": current.version + 1, **(extra or {})}
        ProgressReport.objects.filter(pk=report.pk).update(**values)
        event_record(
            actor=actor,
            kind=EventKind.REPORT_STATE_CHANGED,
            plan=current.task.plan,
            task=current.task,
            report=current,
            from_value=current.state,
            to_value=to,
            reason=reason,
        )
    report.refresh_from_db()
    return report


def report_save(
    *,
    actor: User,
    task: Task,
    agency: Agency,
    period: ReportingPeriod,
    values: dict,
    expected_version: int | None = None,
    submit: bool = False,
) -> ProgressReport:
    """Save the draft and, with `submit`, submit it: in one transaction, so a refused submit
    (no progress written, a conflict) leaves the draft as it was before."""
    with transaction.atomic():
        report = report_save_draft(
            actor=actor,
            task=task,
            agency=agency,
            period=period,
            values=values,
            expected_version=expected_version,
        )
        if submit:
            report = report_submit(actor=actor, report=report, expected_version=report.version)
    return report


def report_submit(
    *, actor: User, report: ProgressReport, expected_version: int, now: dt.datetime | None = None
) -> ProgressReport:
    """Submit; a report submitted after its period's due date (Beijing time) is marked late."""
    if not rules.can_write_report(actor, report.task, report.agency_id):
        raise PermissionDenied(_("您只能提交本单位的报告。"))
    if not report.progress.strip():
        raise ValidationError({"progress": _("请填写进展情况后再提交。")})
    now = now or timezone.now()
    late = timezone.localtime(now).date() > report.period.due_on
    return _transition(
        actor=actor,
        report=report,
        allowed=EDITABLE,
        to=ReportState.SUBMITTED,
        expected_version=expected_version,
        extra={"submitted_at": now, "submitted_by": actor, "is_late": late, "return_reason": ""},
    )


def report_return(
    *, actor: User, report: ProgressReport, reason: str, expected_version: int | None = None
) -> ProgressReport:
    if not rules.can_review_report(actor, report):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以审核报告。"))
    reason = required_text(reason, field="reason", message=_("请填写退回原因。"))
    return _transition(
        actor=actor,
        report=report,
        allowed=(ReportState.SUBMITTED,),
        to=ReportState.RETURNED,
        reason=reason,
        extra={"return_reason": reason, "reviewed_at": timezone.now(), "reviewed_by": actor},
        expected_version=expected_version,
    )


def report_accept(
    *, actor: User, report: ProgressReport, expected_version: int | None = None
) -> ProgressReport:
    if not rules.can_review_report(actor, report):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以审核报告。"))
    return _transition(
        actor=actor,
        report=report,
        allowed=(ReportState.SUBMITTED,),
        to=ReportState.ACCEPTED,
        extra={"reviewed_at": timezone.now(), "reviewed_by": actor},
        expected_version=expected_version,
    )


@transaction.atomic
def report_flag_typical(
    *, actor: User, report: ProgressReport, flagged: bool, note: str = ""
) -> ProgressReport:
    """典型案例: only an accepted report, by the plan's coordinator."""
    if not rules.can_review_report(actor, report):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以标记典型案例。"))
    current = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if current.state != ReportState.ACCEPTED:
        raise ValidationError(_("只有已采纳的报告可以标记为典型案例。"))
    if current.is_typical_case == flagged:
        return current
    ProgressReport.objects.filter(pk=report.pk).update(is_typical_case=flagged)
    event_record(
        actor=actor,
        kind=EventKind.REPORT_FLAGGED,
        plan=current.task.plan,
        task=current.task,
        report=current,
        from_value=str(current.is_typical_case),
        to_value=str(flagged),
        reason=note,
    )
    current.refresh_from_db()
    return current


# --- evidence ---------------------------------------------------------------------------


def _require_editable(actor: User, report: ProgressReport) -> None:
    if not rules.can_write_report(actor, report.task, report.agency_id):
        raise PermissionDenied(_("您只能为本单位的报告上传佐证材料。"))
    if report.state not in EDITABLE:
        raise ValidationError(_("报告已提交，不能再修改佐证材料。"))


def attachment_add(*, actor: User, report: ProgressReport, upload: UploadedFile) -> Attachment:
    """Checked by content, stored under a generated name; the user's name is for display."""
    _require_editable(actor, report)
    data = upload.read()
    kind = sniff(data)
    with transaction.atomic():
        attachment = Attachment(
            report=report,
            original_name=display_name(upload.name or "", extension=kind.extension),
            content_type=kind.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor,
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{kind.extension}", ContentFile(data), save=False)
        # The file stays only if the row (and its event) is saved: a failure removes it again.
        try:
            attachment.save()
            _attachment_event(actor, attachment, kind=EventKind.ATTACHMENT_ADDED)
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    _require_editable(actor, attachment.report)
    with transaction.atomic():
        _attachment_event(actor, attachment, kind=EventKind.ATTACHMENT_REMOVED)
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.delete(save=False))


def _attachment_event(actor: User, attachment: Attachment, *, kind: str) -> None:
    """On the task's timeline, seen by who may see the report (a draft's by its agency)."""
    report = attachment.report
    name = attachment.original_name
    event_record(
        actor=actor,
        kind=kind,
        plan=report.task.plan,
        task=report.task,
        report=report,
        from_value=name if kind == EventKind.ATTACHMENT_REMOVED else "",
        to_value=name if kind == EventKind.ATTACHMENT_ADDED else "",
        data={
            "attachment": attachment.pk,
            "file": name,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "agency": report.agency.name,
            "period": report.period.label,
        },
    )
