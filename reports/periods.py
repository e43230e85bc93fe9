"""Writes for the reporting schedule: the periods a plan's rule creates, a period's dates,
and which side reports. Coordinators only; each change is in the security log."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.rules import User
from plans.models import Plan
from reports.models import Cadence, ReportingPeriod
from security.models import Kind
from security.services import security_event_record
from tasks.events import event_record
from tasks.models import EventKind
from tasks.services.common import required_text

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
    _periods_created_event(actor, plan, created)
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
        _periods_created_event(actor, plan, created)
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
        event_record(
            actor=actor,
            kind=EventKind.PERIOD_CHANGED,
            plan=current.plan,
            from_value=current.label,
            to_value=label,
            data={"period": current.pk, **changes},
        )
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


def _periods_created_event(actor: User, plan: Plan, created: list[ReportingPeriod]) -> None:
    """New periods on the plan's timeline: one event for the lot."""
    if not created:
        return
    labels = [p.label for p in created]
    event_record(
        actor=actor,
        kind=EventKind.PERIODS_CREATED,
        plan=plan,
        to_value="、".join(labels),
        data={
            "periods": [p.pk for p in created],
            "labels": labels,
            "due_on": [p.due_on.isoformat() for p in created],
        },
    )


def _log_setting(actor: User, plan: Plan, setting: str, detail: dict) -> None:
    """Plan settings are administrative changes: the security log keeps them with the actor."""
    security_event_record(
        kind=Kind.ADMINISTRATION,
        user=actor,
        detail={"action": setting, "plan": plan.pk, **detail},
    )
