"""Meeting packs: gather what they say, render each format, and build them in a job.

`pack_request` (the secretary's button) records a MeetingPack and enqueues the job after
commit; the job calls `pack_build`, which claims the row by compare-and-set so a repeated or
redelivered job never builds it twice, gathers the data once and queues one job per format
(`pack_part_render`, each claiming its PackPart row): with two workers the DOCX and XLSX are
made while the PDF is laid out. Progress is kept on the pack row for the page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.rules import User
from dashboards.rollups import plan_rollup_rows
from meetings.models import Meeting, MeetingPack, PackFormat, PackPart, PackState
from meetings.packs.content import pack_content_gather
from meetings.packs.docx import render_docx
from meetings.packs.pdf import render_pdf
from meetings.packs.xlsx import render_xlsx
from ops.outbox import outbox_enqueue, outbox_enqueue_many
from ops.retry import TRANSIENT_DB_ERRORS
from plans.models import Plan
from tasks.events import event_record
from tasks.models import EventKind

logger = logging.getLogger(__name__)

RENDERERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    PackFormat.DOCX: render_docx,
    PackFormat.PDF: render_pdf,
    PackFormat.XLSX: render_xlsx,
}
# A build that has not moved for this long lost its worker: another job may take it over.
STALE_AFTER = dt.timedelta(minutes=15)


def pack_data_for(*, plan: Plan, meeting: Meeting | None = None) -> dict[str, Any]:
    """A frozen meeting's stored data; otherwise the current data, gathered now."""
    if meeting is not None and meeting.pack_data is not None:
        return meeting.pack_data
    as_of = timezone.localdate()
    rows = plan_rollup_rows(plan=plan, as_of=as_of)
    return pack_content_gather(plan=plan, as_of=as_of, rows=rows, meeting=meeting)


def pack_render(*, data: dict[str, Any], fmt: str) -> bytes:
    return RENDERERS[fmt](data)


def pack_file_stem(*, plan: Plan, meeting: Meeting | None, data: dict[str, Any]) -> str:
    code = plan.code if plan.code.isascii() else f"plan-{plan.pk}"
    return f"{code}-meeting-{meeting.pk}" if meeting else f"{code}-{data['as_of']}"


def parse_formats(value: str | list[str]) -> list[str]:
    names = value.split(",") if isinstance(value, str) else value
    formats = [n.strip().lower() for n in names if n.strip()]
    unknown = [f for f in formats if f not in PackFormat.values]
    if not formats or unknown:
        raise ValidationError(
            _("格式只能是 docx、pdf、xlsx:%(value)s") % {"value": ",".join(unknown) or "—"}
        )
    return list(dict.fromkeys(formats))


def pack_request(
    *, actor: User, plan: Plan, meeting: Meeting | None, formats: list[str]
) -> MeetingPack:
    if not rules.can_manage_meetings(actor, plan):
        raise PermissionDenied(_("只有委员会秘书处可以生成会议材料。"))
    formats = parse_formats(formats)
    with transaction.atomic():
        pack = MeetingPack.objects.create(
            plan=plan, meeting=meeting, formats=formats, requested_by=actor, step=_("排队中")
        )
        outbox_enqueue(task_name="meetings.pack_build", kwargs={"pack_id": pack.pk})
        _pack_event(pack, kind=EventKind.PACK_REQUESTED)
    return pack


def _pack_event(pack: MeetingPack, *, kind: str) -> None:
    """On the plan's timeline, with the requester as actor (the done step runs in a job)."""
    meeting = pack.meeting
    event_record(
        actor=pack.requested_by,
        kind=kind,
        plan=pack.plan,
        to_value=",".join(pack.formats),
        data={
            "pack": pack.pk,
            "formats": list(pack.formats),
            "meeting": meeting.pk if meeting else None,
            "meeting_title": meeting.title if meeting else "",
        },
    )


def pack_build(*, pack_id: int) -> bool:
    """Gather the pack's data once and hand each format to a job of its own; False when
    another job has the pack (or it is already built)."""
    now = timezone.now()
    claimable = Q(state=PackState.PENDING) | Q(
        state=PackState.RUNNING, started_at__lt=now - STALE_AFTER
    )
    claimed = MeetingPack.objects.filter(claimable, pk=pack_id).update(
        state=PackState.RUNNING, started_at=now, progress=0, error=""
    )
    if not claimed:
        return False
    pack = MeetingPack.objects.select_related("plan", "meeting").get(pk=pack_id)
    try:
        _progress(pack_id, 5, _("汇总数据"))
        data = pack_data_for(plan=pack.plan, meeting=pack.meeting)
        with transaction.atomic():
            MeetingPack.objects.filter(pk=pack_id).update(
                data=data, progress=10, step=_("生成文件")
            )
            # A taken-over pack keeps the formats already made; only the rest are queued.
            PackPart.objects.bulk_create(
                [PackPart(pack_id=pack_id, format=fmt) for fmt in pack.formats],
                ignore_conflicts=True,
            )
            todo = PackPart.objects.filter(pack_id=pack_id).exclude(state=PackState.DONE)
            outbox_enqueue_many(
                task_name="meetings.pack_render",
                kwargs_list=[{"pack_id": pack_id, "fmt": part.format} for part in todo],
            )
    except TRANSIENT_DB_ERRORS:
        # The database went away: put the pack back in the queue for the job's retry.
        MeetingPack.objects.filter(pk=pack_id).update(state=PackState.PENDING)
        raise
    except Exception as exc:
        _fail(pack_id, exc)
        raise
    return True


def pack_part_render(*, pack_id: int, fmt: str) -> bool:
    """Render one format of a pack from its gathered data; False when another job has it.

    The claim is one UPDATE of the PackPart row (the pack's state is checked by EXISTS, so
    PostgreSQL re-checks the row's own state after waiting for a lock held by a twin job);
    its time is the claim's token: every later write of this job names it, so a job whose
    claim was taken over (stale after STALE_AFTER) changes nothing."""
    now = timezone.now()
    claimable = Q(state=PackState.PENDING) | Q(
        state=PackState.RUNNING, started_at__lt=now - STALE_AFTER
    )
    running_pack = MeetingPack.objects.filter(pk=OuterRef("pack_id"), state=PackState.RUNNING)
    claimed = (
        PackPart.objects.filter(claimable, pack_id=pack_id, format=fmt)
        .filter(Exists(running_pack))
        .update(state=PackState.RUNNING, started_at=now)
    )
    if not claimed:
        return False
    mine = PackPart.objects.filter(
        pack_id=pack_id, format=fmt, state=PackState.RUNNING, started_at=now
    )
    pack = MeetingPack.objects.select_related("plan", "meeting").get(pk=pack_id)
    try:
        content = pack_render(data=pack.data, fmt=fmt)
        stem = pack_file_stem(plan=pack.plan, meeting=pack.meeting, data=pack.data)
        field = getattr(pack, fmt)
        field.save(f"{stem}.{fmt}", ContentFile(content), save=False)
        if not _part_done(mine=mine, pack_id=pack_id, fmt=fmt, name=field.name):
            field.storage.delete(field.name)  # taken over meanwhile: the other job's file counts
    except TRANSIENT_DB_ERRORS:
        mine.update(state=PackState.PENDING)
        raise
    except Exception as exc:
        if mine.update(state=PackState.FAILED):
            _fail(pack_id, exc)
        raise
    return True


def _part_done(*, mine: QuerySet[PackPart], pack_id: int, fmt: str, name: str) -> bool:
    """Record one finished file; the last format to finish marks the pack done. The pack row
    is locked so two formats finishing together count each other. False when the claim was
    lost. A pack that failed meanwhile keeps its failure: the file is kept, nothing else."""
    with transaction.atomic():
        pack = MeetingPack.objects.select_for_update().get(pk=pack_id)
        if not mine.update(state=PackState.DONE, finished_at=timezone.now()):
            return False
        changes: dict[str, Any] = {fmt: name}
        if pack.state == PackState.RUNNING:
            done = PackPart.objects.filter(pack_id=pack_id, state=PackState.DONE).count()
            total = len(pack.formats)
            if done >= total:
                _pack_event(pack, kind=EventKind.PACK_DONE)
                changes |= {
                    "state": PackState.DONE,
                    "progress": 100,
                    "step": _("已生成"),
                    "finished_at": timezone.now(),
                    "data": None,
                }
            else:
                changes |= {
                    "progress": 10 + 85 * done // total,
                    "step": _("已生成 %(done)s/%(total)s 个文件") % {"done": done, "total": total},
                }
        MeetingPack.objects.filter(pk=pack_id).update(**changes)
    return True


def _fail(pack_id: int, exc: Exception) -> None:
    # Recorded for the secretary, then raised by the caller for the job's own log. Only a
    # pack still being built fails: one already done stays done.
    MeetingPack.objects.filter(pk=pack_id, state=PackState.RUNNING).update(
        state=PackState.FAILED, step=_("生成失败"), error=f"{type(exc).__name__}: {exc}"[:2000]
    )


def packs_resume(*, as_of: dt.date) -> dict[str, int]:
    """Queue again what a lost or exhausted job left behind (the beat runs this every five
    minutes): packs whose gathering has not moved for STALE_AFTER, and formats of running
    packs that are still waiting or stuck after that long. The jobs' own claims make a
    second copy harmless."""
    stale = timezone.now() - STALE_AFTER
    packs = list(
        MeetingPack.objects.filter(
            Q(state=PackState.PENDING, created_at__lt=stale)
            | Q(state=PackState.RUNNING, started_at__lt=stale, parts__isnull=True)
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    parts = list(
        PackPart.objects.filter(pack__state=PackState.RUNNING)
        .filter(
            Q(state=PackState.PENDING, pack__started_at__lt=stale)
            | Q(state=PackState.RUNNING, started_at__lt=stale)
        )
        .values_list("pack_id", "format")
    )
    with transaction.atomic():
        outbox_enqueue_many(
            task_name="meetings.pack_build",
            kwargs_list=[{"pack_id": pk} for pk in packs],
        )
        outbox_enqueue_many(
            task_name="meetings.pack_render",
            kwargs_list=[{"pack_id": pk, "fmt": fmt} for pk, fmt in parts],
        )
    return {"packs": len(packs), "formats": len(parts)}


def _progress(pack_id: int, percent: int, step: str) -> None:
    MeetingPack.objects.filter(pk=pack_id).update(progress=percent, step=step)
