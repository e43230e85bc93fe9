"""督办 reads, always through the permission rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from agencies import rules
from agencies.models import Agency
from agencies.rules import User
from ops.compiled import CompiledQuery
from plans.models import Plan
from reports.models import ProgressReport
from reports.selectors import get_report_for_user
from supervision.models import (
    OPEN,
    OWED_BY_AGENCY,
    NoticeRecipient,
    SupervisionNotice,
    SupervisionStep,
)
from tasks.models import Task, WorkItem
from tasks.selectors import get_task_for_user, get_work_item_for_user

Target = Task | WorkItem | ProgressReport
TARGET_KINDS = ("task", "work_item", "report")


def target_task(target: Target) -> Task:
    return target if isinstance(target, Task) else target.task


def target_candidate_agencies(target: Target) -> list[Agency]:
    """Who a notice on the target may go to: the agencies carrying it (a report: its agency)."""
    if isinstance(target, ProgressReport):
        return [target.agency]
    if isinstance(target, WorkItem):
        return list(target.agencies.order_by("name"))
    rows = target.responsibilities.select_related("agency").filter(agency__is_collective=False)
    return [r.agency for r in rows.order_by("order")]


def get_target_for_user(user: User, kind: str, pk: int) -> Target:
    """The target of a new notice: 404 unless visible, 403 unless the user coordinates it."""
    target: Target
    if kind == "task":
        target = get_task_for_user(user, pk)
    elif kind == "work_item":
        target = get_work_item_for_user(user, pk)
    elif kind == "report":
        target = get_report_for_user(user, pk)
    else:
        raise rules.NotVisible
    if not rules.can_coordinate_plan(user, target_task(target).plan):
        raise PermissionDenied
    return target


# --- getters ------------------------------------------------------------------------------


def _notices() -> QuerySet[SupervisionNotice]:
    return SupervisionNotice.objects.select_related(
        "plan__lead_agency", "issuing_agency", "issued_by", "task", "work_item__task", "report"
    ).select_related("report__task", "report__agency", "report__period")


def get_notice_for_user(user: User, pk: int) -> SupervisionNotice:
    notice = _notices().filter(pk__in=SupervisionNotice.objects.visible_to(user), pk=pk).first()
    if notice is None:
        raise rules.NotVisible
    return notice


def get_recipient_for_user(user: User, pk: int) -> NoticeRecipient:
    recipient = (
        NoticeRecipient.objects.filter(notice__in=SupervisionNotice.objects.visible_to(user))
        .select_related("agency", "notice__plan__lead_agency")
        .filter(pk=pk)
        .first()
    )
    if recipient is None:
        raise rules.NotVisible
    return recipient


def get_evidence_for_user(user: User, pk: int) -> SupervisionStep:
    step = (
        SupervisionStep.objects.filter(notice__in=SupervisionNotice.objects.visible_to(user))
        .exclude(evidence="")
        .filter(pk=pk)
        .first()
    )
    if step is None:
        raise rules.NotVisible
    return step


# --- a notice's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientView:
    row: NoticeRecipient
    can_act: bool  # the agency's liaison or coordinator: 签收, 反馈
    overdue: bool


def notice_recipients(*, user: User, notice: SupervisionNotice) -> list[RecipientView]:
    mine = rules.reporting_agency_ids(user)
    today = timezone.localdate()
    return [
        RecipientView(
            row=r,
            can_act=r.agency_id in mine,
            overdue=r.state in OWED_BY_AGENCY and notice.deadline < today,
        )
        for r in notice.recipients.select_related("agency").order_by("order", "pk")
    ]


def notice_steps(*, notice: SupervisionNotice) -> QuerySet[SupervisionStep]:
    return notice.steps.select_related("actor", "recipient__agency").order_by("created_at", "pk")


def target_notices(*, user: User, target: Target) -> list[SupervisionNotice]:
    """The notices on a task (its work items' and reports' too), work item or report."""
    mine, everything = rules.visibility(user)
    if isinstance(target, Task):
        if not (everything or mine):
            return []
        notices = _TASK_NOTICES[everything](task_id=target.pk, mine=mine)
        # A Prefetch of its own per call: one kept in the compiled queryset would be shared.
        prefetch_related_objects(notices, _recipients())
        return notices
    field = {WorkItem: "work_item", ProgressReport: "report"}[type(target)]
    notices = SupervisionNotice.objects.visible_to_agencies(mine, everything=everything)
    return list(
        notices.filter(**{field: target})
        .prefetch_related(_recipients())
        .order_by("-issued_at", "-pk")
    )


def _task_notices(everything: bool) -> CompiledQuery[SupervisionNotice]:
    def build(task_id: int, mine: list[int]) -> QuerySet[SupervisionNotice]:
        # Each branch unordered and reduced to its ids: SQLite (the embedded demo) refuses
        # an ORDER BY (the model's default ordering) inside a compound subquery.
        every = SupervisionNotice.objects.order_by()
        on_task = (
            every.filter(task_id=task_id)
            .values("pk")
            .union(every.filter(work_item__task_id=task_id).values("pk"))
            .union(every.filter(report__task_id=task_id).values("pk"))
        )
        return (
            SupervisionNotice.objects.visible_to_agencies(mine, everything=everything)
            .filter(pk__in=on_task)
            .order_by("-issued_at", "-pk")
        )

    return CompiledQuery[SupervisionNotice](
        build, samples=({"task_id": 1, "mine": [2]}, {"task_id": 3, "mine": [4]})
    )


# The task page's 督办 panel: compiled once per process (ops/compiled.py) for each shape of
# the visibility rule (its recipients are then read by the ORM, one more query).
_TASK_NOTICES = {everything: _task_notices(everything) for everything in (True, False)}


def _recipients() -> Prefetch:
    return Prefetch(
        "recipients", queryset=NoticeRecipient.objects.select_related("agency").order_by("order")
    )


# --- 督办台账 and the agency's list -----------------------------------------------------------

_NOTICE_TARGET = (
    "agency",
    "notice__task",
    "notice__work_item__task",
    "notice__report__task",
    "notice__report__agency",
    "notice__report__period",
)


def plan_ledger(*, plan: Plan, state: str = "", level: str = "") -> QuerySet[NoticeRecipient]:
    """One row per notice and recipient agency, newest notice first."""
    rows = NoticeRecipient.objects.filter(notice__plan=plan)
    if state:
        rows = rows.filter(state=state)
    if level:
        rows = rows.filter(notice__level=level)
    return rows.select_related(*_NOTICE_TARGET).order_by(
        "-notice__year", "-notice__number", "order"
    )


def agency_inbox(*, user: User, open_only: bool = True) -> QuerySet[NoticeRecipient]:
    """The notices to the user's agencies (as liaison or coordinator), oldest deadline first."""
    rows = NoticeRecipient.objects.filter(agency_id__in=rules.reporting_agency_ids(user))
    if open_only:
        rows = rows.filter(state__in=OPEN)
    return rows.select_related("notice__plan", *_NOTICE_TARGET).order_by(
        "notice__deadline", "notice__pk"
    )


def is_overdue(recipient: NoticeRecipient, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return recipient.state in OWED_BY_AGENCY and recipient.notice.deadline < today
