"""Writes for reporting: periods, progress reports and their review, evidence files.

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
from plans.models import Plan
from reports.models import Attachment, Cadence, ProgressReport, ReportingPeriod, ReportState
from reports.uploads import display_name, sniff
from security.models import Kind
from security.services import security_event_record
from tasks.events import event_record
from tasks.models import Event, EventKind, Task
from tasks.services.common import conflict_from, required_text

EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)
REPORT_FIELDS = ("progress", "achievements", "problems", "next_steps", "percent", "milestone")

# --- periods ----------------------------------------------------------------------------

_SPANS = {
    Cadence.QUARTERLY: [
        ("第一季度", 1, 3), ("第二季度", 4, 6), ("第三季度", 7, 9), ("第四季度", 10, 12)
    ],
    Cadence.HALF_YEARLY: [("上半年", 1, 6), ("下半年", 7, 12)],
    Cadence.YEARLY: [("年度", 1, 12)],
}  # fmt: skip


def _require_coordinator(actor: User, plan: Plan) -> None:
    if not rules.can_coordinate_plan(actor, plan):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以执行此操作。"))


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


@transaction.atomic
def period_schedule_create(
    *,
    actor: User,
    plan: Plan,
    cadence: str,
    year: int,
    opens_days_before_end: int = 15,
    due_days_after_end: int = 15,
) -> list[ReportingPeriod]:
    """The periods of one year at the plan's cadence; existing labels are kept as they are."""
    _require_coordinator(actor, plan)
    if cadence not in _SPANS:
        raise ValidationError({"cadence": _("请选择有效的报送频次。")})
    if not plan.period_start <= year <= plan.period_end:
        raise ValidationError({"year": _("年份不在方案实施期内。")})
    created = []
    for suffix, first, last in _SPANS[cadence]:
        ends_on = _month_end(year, last)
        period, new = ReportingPeriod.objects.get_or_create(
            plan=plan,
            label=f"{year}年{suffix}",
            defaults={
                "cadence": cadence,
                "starts_on": dt.date(year, first, 1),
                "ends_on": ends_on,
                "opens_on": ends_on - dt.timedelta(days=opens_days_before_end),
                "due_on": ends_on + dt.timedelta(days=due_days_after_end),
            },
        )
        if new:
            created.append(period)
    return created


def _spans_from(
    *, cadence: str, year: int, first: int, last_year: int, today: dt.date
) -> list[tuple[str, dt.date, dt.date]]:
    """(label, starts_on, ends_on) from the first period on, up to the one holding `today`
    (at least the first one), never past the plan's last year."""
    spans = []
    for y in range(year, last_year + 1):
        for index, (suffix, start, end) in enumerate(_SPANS[cadence], start=1):
            if y == year and index < first:
                continue
            starts_on = dt.date(y, start, 1)
            if spans and starts_on > today:
                return spans
            spans.append((f"{y}年{suffix}", starts_on, _month_end(y, end)))
    return spans


def period_schedule_apply(
    *,
    actor: User,
    plan: Plan,
    cadence: str,
    year: int,
    first: int = 1,
    opens_days_before_end: int = 15,
    due_days_after_end: int = 15,
    today: dt.date | None = None,
) -> tuple[list[ReportingPeriod], int]:
    """The schedule as a rule: every period from the first one (`first` of `year`) up to the
    current one. Idempotent: a period whose name or dates an existing one already covers is
    kept as it is, never duplicated. Returns the new periods and how many were kept."""
    _require_coordinator(actor, plan)
    if cadence not in _SPANS:
        raise ValidationError({"cadence": _("请选择有效的报送频次。")})
    if not plan.period_start <= year <= plan.period_end:
        raise ValidationError({"year": _("年份不在方案实施期内。")})
    if not 1 <= first <= len(_SPANS[cadence]):
        raise ValidationError({"first": _("首个周期超出该报送频次一年的期数。")})
    today = today or timezone.localdate()
    spans = _spans_from(
        cadence=cadence, year=year, first=first, last_year=plan.period_end, today=today
    )
    created, kept = [], 0
    with transaction.atomic():
        existing = list(ReportingPeriod.objects.select_for_update().filter(plan=plan))
        for label, starts_on, ends_on in spans:
            if any(
                p.label == label or (p.starts_on <= ends_on and starts_on <= p.ends_on)
                for p in existing
            ):
                kept += 1
                continue
            period = ReportingPeriod.objects.create(
                plan=plan,
                label=label,
                cadence=cadence,
                starts_on=starts_on,
                ends_on=ends_on,
                opens_on=ends_on - dt.timedelta(days=opens_days_before_end),
                due_on=ends_on + dt.timedelta(days=due_days_after_end),
            )
            existing.append(period)
            created.append(period)
        detail = {"cadence": cadence, "first": f"{year}-{first}", "due_days": due_days_after_end}
        _log_setting(actor, plan, "period_schedule", {**detail, "created": len(created)})
    return created, kept


PERIOD_DATES = ("starts_on", "ends_on", "opens_on", "due_on")


def period_update(*, actor: User, period: ReportingPeriod, values: dict) -> ReportingPeriod:
    """Edit one period's name and dates. Its dates must be in order and must not overlap
    another period of the plan; reports already submitted keep their on-time flag."""
    _require_coordinator(actor, period.plan)
    label = required_text(values.get("label", ""), field="label", message=_("请填写周期名称。"))
    new = {"label": label, **{k: values[k] for k in PERIOD_DATES}}
    if new["ends_on"] < new["starts_on"]:
        raise ValidationError({"ends_on": _("周期结束日期不能早于开始日期。")})
    if new["due_on"] < new["opens_on"]:
        raise ValidationError({"due_on": _("报送截止日期不能早于开放报送日期。")})
    with transaction.atomic():
        current = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        others = ReportingPeriod.objects.filter(plan=current.plan_id).exclude(pk=current.pk)
        if others.filter(label=label).exists():
            raise ValidationError({"label": _("该方案已有同名的报送周期。")})
        clash = others.filter(starts_on__lte=new["ends_on"], ends_on__gte=new["starts_on"]).first()
        if clash is not None:
            raise ValidationError(
                {"starts_on": _("起止日期与“%(label)s”重叠。") % {"label": clash.label}}
            )
        changes = {
            k: [str(getattr(current, k)), str(v)]
            for k, v in new.items()
            if getattr(current, k) != v
        }
        if not changes:
            return current
        ReportingPeriod.objects.filter(pk=current.pk).update(**new)
        _log_setting(actor, current.plan, "period_update", {"period": current.pk, **changes})
    current.refresh_from_db()
    return current


def plan_reporting_side_set(*, actor: User, plan: Plan, nipa_reports_required: bool) -> Plan:
    """Which side reports: the local agencies always; NIPA departments too when set."""
    _require_coordinator(actor, plan)
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        if current.nipa_reports_required != nipa_reports_required:
            Plan.objects.filter(pk=plan.pk).update(
                nipa_reports_required=nipa_reports_required, updated_at=timezone.now()
            )
            change = {"from": current.nipa_reports_required, "to": nipa_reports_required}
            _log_setting(actor, current, "nipa_reports_required", change)
    plan.refresh_from_db()
    return plan


def _log_setting(actor: User, plan: Plan, setting: str, detail: dict) -> None:
    """Plan settings are administrative changes: the security log keeps them with the actor."""
    security_event_record(
        kind=Kind.ADMINISTRATION,
        user=actor,
        detail={"action": setting, "plan": plan.pk, **detail},
    )


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
        if expected_version is None or not compare_and_set(
            ProgressReport,
            pk=report.pk,
            version=expected_version,
            updated_at=timezone.now(),
            **fields,
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
        # The file stays only if the row is saved: a failed insert removes it again.
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    _require_editable(actor, attachment.report)
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.delete(save=False))
