"""Indicators (指标): the coordinator sets baseline and target; a responsible agency enters an
actual value for a year with its source and evidence; the coordinator confirms or returns it.

Only confirmed (ACCEPTED) values count on dashboards and in meeting packs. Every entry and
review is an INDICATOR_VALUE event on the plan's timeline with its actor; baseline and target
are plan settings, written to the security log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.models import Agency
from agencies.rules import User
from plans.models import Indicator, IndicatorValue, Plan, ValueState
from reports.uploads import sniff
from security.models import Kind
from security.services import security_event_record
from tasks.events import event_record
from tasks.models import EventKind, Responsibility
from tasks.services.common import required_text

# --- reads --------------------------------------------------------------------------------


def get_indicator_for_user(user: User, pk: int) -> Indicator:
    """The indicator of a plan the user may see; 404 otherwise."""
    indicator = (
        Indicator.objects.filter(plan__in=Plan.objects.visible_to(user), pk=pk)
        .select_related("plan__lead_agency")
        .first()
    )
    if indicator is None:
        raise rules.NotVisible
    return indicator


def get_indicator_value_for_user(user: User, pk: int) -> IndicatorValue:
    value = (
        IndicatorValue.objects.filter(indicator__plan__in=Plan.objects.visible_to(user), pk=pk)
        .select_related("indicator__plan__lead_agency", "reported_by")
        .first()
    )
    if value is None:
        raise rules.NotVisible
    return value


def plan_indicators(*, plan: Plan) -> QuerySet[Indicator]:
    """The plan's indicators in order, each with every value entered (any state)."""
    values = IndicatorValue.objects.select_related("reported_by", "entered_by").order_by("year")
    return plan.indicators.order_by("order", "pk").prefetch_related(
        Prefetch("values", queryset=values)
    )


def value_agencies(*, user: User, plan: Plan) -> QuerySet[Agency]:
    """The agencies the user may enter actual values for: their own (as liaison or
    coordinator) that lead the plan or carry one of its tasks."""
    mine = rules.reporting_agency_ids(user)
    carrying = Responsibility.objects.filter(task__plan=plan).values("agency_id")
    return (
        Agency.objects.filter(pk__in=mine, is_collective=False)
        .filter(Q(pk__in=carrying) | Q(pk=plan.lead_agency_id))
        .order_by("name")
    )


# --- the coordinator's part: baseline and target ------------------------------------------


def _require_coordinator(actor: User, plan: Plan) -> None:
    if not rules.can_coordinate_plan(actor, plan):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以执行此操作。"))


TARGET_FIELDS = ("baseline", "baseline_year", "target", "target_year")


def indicator_update(*, actor: User, indicator: Indicator, values: dict) -> Indicator:
    """Baseline (基期值, 基期年份) and target (目标值, 目标年份); only what changed is logged."""
    plan = indicator.plan
    _require_coordinator(actor, plan)
    new = {k: values.get(k) for k in TARGET_FIELDS}
    if new["target"] is None or new["target_year"] is None:
        raise ValidationError({"target": _("请填写目标值和目标年份。")})
    if new["baseline_year"] and new["baseline_year"] > new["target_year"]:
        raise ValidationError({"baseline_year": _("基期年份不能晚于目标年份。")})
    with transaction.atomic():
        current = Indicator.objects.select_for_update().get(pk=indicator.pk)
        changes = {
            k: [_plain(getattr(current, k)), _plain(v)]
            for k, v in new.items()
            if getattr(current, k) != v
        }
        if changes:
            Indicator.objects.filter(pk=current.pk).update(**new)
            detail = {"action": "indicator_update", "plan": plan.pk, "indicator": current.pk}
            security_event_record(
                kind=Kind.ADMINISTRATION, user=actor, detail={**detail, **changes}
            )
    current.refresh_from_db()
    return current


# --- the agency's part: actual values -----------------------------------------------------


def indicator_value_submit(
    *,
    actor: User,
    indicator: Indicator,
    agency: Agency,
    year: int,
    value: Decimal,
    source: str,
    note: str = "",
    evidence: UploadedFile | None = None,
    today: dt.date | None = None,
) -> IndicatorValue:
    """Enter (or, once returned or still waiting, enter again) the actual of a year. A value
    the coordinator confirmed stays as it is."""
    plan = indicator.plan
    if not value_agencies(user=actor, plan=plan).filter(pk=agency.pk).exists():
        raise PermissionDenied(_("您只能为本单位填报本方案的指标实际值。"))
    source = required_text(source, field="source", message=_("请填写数据来源。"), max_length=200)
    last = min((today or timezone.localdate()).year, max(plan.period_end, indicator.target_year))
    if not plan.period_start <= year <= last:
        span = {"first": plan.period_start, "last": last}
        raise ValidationError({"year": _("年份须在 %(first)d 至 %(last)d 年之间。") % span})
    stored = _evidence_file(evidence) if evidence else None
    with transaction.atomic():
        row = IndicatorValue.objects.select_for_update().filter(indicator=indicator, year=year)
        before = row.first()
        if before is not None and before.state == ValueState.ACCEPTED:
            raise ValidationError(
                {
                    "year": _("%(year)d 年的实际值已确认，如需更正请联系方案协调员。")
                    % {"year": year}
                }
            )
        fields = {
            "value": value,
            "source": source,
            "note": (note or "").strip(),
            "state": ValueState.SUBMITTED,
            "reported_by": agency,
            "entered_by": actor,
            "reviewed_by": None,
            "reviewed_at": None,
            "return_reason": "",
        }
        was, old_file = _label(before), before.evidence.name if before else ""
        current = before or IndicatorValue(indicator=indicator, year=year)
        for name, new in fields.items():
            setattr(current, name, new)
        if stored is not None:
            current.evidence.save(stored[0], stored[1], save=False)
            transaction.on_commit(lambda: old_file and current.evidence.storage.delete(old_file))
        try:
            current.save()
        except Exception:
            if stored is not None:  # the file stays only if the row is saved
                current.evidence.delete(save=False)
            raise
        _value_event(actor, current, from_value=was, reason=current.note)
    return current


def _evidence_file(upload: UploadedFile) -> tuple[str, ContentFile]:
    """Checked by content (pdf, docx, xlsx, jpg, png), stored under a generated name."""
    data = upload.read()
    kind = sniff(data)
    return f"{uuid.uuid4().hex}.{kind.extension}", ContentFile(data)


# --- the coordinator's review -------------------------------------------------------------


def indicator_value_accept(
    *, actor: User, value: IndicatorValue, expected_value: Decimal | None = None
) -> IndicatorValue:
    return _review(actor=actor, value=value, to=ValueState.ACCEPTED, expected=expected_value)


def indicator_value_return(
    *, actor: User, value: IndicatorValue, reason: str, expected_value: Decimal | None = None
) -> IndicatorValue:
    reason = required_text(reason, field="reason", message=_("请填写退回原因。"))
    return _review(
        actor=actor, value=value, to=ValueState.RETURNED, reason=reason, expected=expected_value
    )


def _review(
    *, actor: User, value: IndicatorValue, to: str, reason: str = "", expected: Decimal | None
) -> IndicatorValue:
    """Only a value waiting for review; and only the figure the coordinator saw."""
    _require_coordinator(actor, value.indicator.plan)
    with transaction.atomic():
        current = IndicatorValue.objects.select_for_update().get(pk=value.pk)
        if current.state != ValueState.SUBMITTED:
            raise ValidationError(
                _("该实际值当前为“%(state)s”，不能审核。") % {"state": current.get_state_display()}
            )
        if expected is not None and current.value != expected:
            raise ValidationError(
                _("该实际值已被改为 %(value)s，请核对后再审核。") % {"value": _plain(current.value)}
            )
        current.state, current.reviewed_by, current.reviewed_at = to, actor, timezone.now()
        current.return_reason = reason
        current.save(update_fields=["state", "reviewed_by", "reviewed_at", "return_reason"])
        was = _label(current, state=ValueState.SUBMITTED)
        _value_event(actor, current, from_value=was, reason=reason)
    return current


def _value_event(actor: User, value: IndicatorValue, *, from_value: str, reason: str) -> None:
    indicator = value.indicator
    event_record(
        actor=actor,
        kind=EventKind.INDICATOR_VALUE,
        plan=indicator.plan,
        agency=value.reported_by,
        from_value=from_value,
        to_value=_label(value),
        reason=reason,
        data={
            "indicator": indicator.pk,
            "indicator_name": indicator.name,
            "year": value.year,
            "value": _plain(value.value),
            "state": value.state,
            "source": value.source,
        },
    )


def _label(value: IndicatorValue | None, *, state: str | None = None) -> str:
    """`2024年 8.6（待审核）`: the year, the figure and the state, for the timeline."""
    if value is None:
        return ""
    shown = ValueState(state or value.state).label
    return f"{value.indicator.name[:80]} {value.year}: {_plain(value.value)} ({shown})"


def _plain(number: object) -> str:
    if isinstance(number, Decimal):
        return format(number.normalize(), "f")
    return "" if number is None else str(number)
