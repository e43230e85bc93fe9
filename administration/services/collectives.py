"""集合单位 (各市县, 各成员单位, …专项小组成员): written like an agency, but a group. The
administrator marks an agency as collective and maps it either to its member agencies or to
the one agency that reports for it; the collective's responsibilities then fall to them
(tasks.Responsibility.via_collective), and the collective itself is never owed a report
(tasks.models.owes_report_q)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from administration.services.agencies import (
    administration_log,
    require_in_scope,
)
from agencies.models import Agency
from agencies.rules import User
from ops.page_cache import data_changed
from plans.models import Plan
from tasks.events import event_record
from tasks.models import EventKind, Responsibility


def collective_mark(*, actor: User, agency: Agency, is_collective: bool) -> Agency:
    """Mark an agency as a collective unit, or back as an ordinary agency: unmarking removes
    its mapping and the responsibilities its members carried through it."""
    require_in_scope(actor=actor, agency=agency)
    with transaction.atomic():
        current = Agency.objects.select_for_update().get(pk=agency.pk)
        if current.is_collective == is_collective:
            message = (
                _("“%(name)s”已是集合单位。") if is_collective else _("“%(name)s”不是集合单位。")
            )
            raise ValidationError({"is_collective": message % {"name": agency.name}})
        if not is_collective:
            _mapping_apply(actor=actor, collective=current, targets=[], mapping={})
            current.members.clear()
        Agency.objects.filter(pk=agency.pk).update(is_collective=is_collective, reporter=None)
        data_changed()
        administration_log(
            actor=actor, action="collective_mark", target=agency, is_collective=is_collective
        )
    agency.is_collective, agency.reporter = is_collective, None
    return agency


def collective_map(
    *,
    actor: User,
    collective: Agency,
    members: Sequence[Agency] = (),
    reporter: Agency | None = None,
) -> dict[str, int]:
    """Map the collective to its members (each then carries the collective's tasks) or to
    the agency that reports for it. Returns {"added": rows created, "removed": rows removed}."""
    require_in_scope(actor=actor, agency=collective)
    members = list(dict.fromkeys(members))
    _check_targets(actor=actor, collective=collective, members=members, reporter=reporter)
    targets = members or [reporter]
    mapping = {
        "members": [m.name for m in members],
        "reporter": reporter.name if reporter else None,
    }
    with transaction.atomic():
        current = Agency.objects.select_for_update().get(pk=collective.pk)
        if not current.is_collective:
            raise ValidationError(
                {"members": _("“%(name)s”不是集合单位，请先标记。") % {"name": current.name}}
            )
        same = set(current.members.all()) == set(members) and current.reporter_id == (
            reporter.pk if reporter else None
        )
        counts = _mapping_apply(actor=actor, collective=current, targets=targets, mapping=mapping)
        if same and not any(counts.values()):
            raise ValidationError({"members": _("分解没有变化。")})
        current.members.set(members)
        Agency.objects.filter(pk=current.pk).update(reporter=reporter)
        data_changed()
        administration_log(
            actor=actor, action="collective_map", target=collective, **mapping, **counts
        )
    collective.reporter = reporter
    return counts


def _check_targets(
    *, actor: User, collective: Agency, members: list[Agency], reporter: Agency | None
) -> None:
    if members and reporter:
        message = _("请只选择一种方式：列出成员单位，或指定代为报送单位。")
        raise ValidationError({"reporter": message})
    if not members and reporter is None:
        raise ValidationError({"members": _("请选择成员单位或代为报送单位。")})
    field = "members" if members else "reporter"
    for agency in members or [reporter]:
        require_in_scope(actor=actor, agency=agency, field=field)
        if agency.pk == collective.pk:
            raise ValidationError({field: _("集合单位不能以自身为成员。")})
        if agency.is_collective:
            message = _("“%(name)s”本身是集合单位，不能作为成员或代为报送单位。")
            raise ValidationError({field: message % {"name": agency.name}})


def _mapping_apply(
    *, actor: User, collective: Agency, targets: list[Agency], mapping: dict[str, object]
) -> dict[str, int]:
    """For every task the collective carries, a row per target (with the collective's side
    and role) unless the target is on the task already; rows through the collective for
    agencies no longer mapped are removed. One event per plan whose rows changed."""
    own = list(Responsibility.objects.filter(agency=collective).select_related("task"))
    present = set(
        Responsibility.objects.filter(task__in=[r.task_id for r in own]).values_list(
            "task_id", "agency_id"
        )
    )
    new = [
        Responsibility(
            task=row.task,
            agency=target,
            side=row.side,
            role=row.role,
            order=row.order,
            written=row.written or collective.name,
            via_collective=collective,
        )
        for row in own
        for target in targets
        if (row.task_id, target.pk) not in present
    ]
    stale = Responsibility.objects.filter(via_collective=collective).exclude(agency__in=targets)
    changed: dict[int, dict[str, int]] = defaultdict(lambda: {"added": 0, "removed": 0})
    for plan_id in stale.values_list("task__plan_id", flat=True):
        changed[plan_id]["removed"] += 1
    for row in new:
        changed[row.task.plan_id]["added"] += 1
    stale.delete()
    Responsibility.objects.bulk_create(new)
    for plan in Plan.objects.filter(pk__in=changed).order_by("pk"):
        event_record(
            actor=actor,
            kind=EventKind.COLLECTIVE_MAPPED,
            agency=collective,
            plan=plan,
            from_value=collective.name,
            to_value="、".join(mapping.get("members") or [str(mapping.get("reporter") or "—")]),
            data={**mapping, **changed[plan.pk]},
        )
    return {
        "added": len(new),
        "removed": sum(c["removed"] for c in changed.values()),
    }
