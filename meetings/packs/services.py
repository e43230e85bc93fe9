"""Meeting packs: gather what they say, render each format, and build them in a job.

`pack_request` (the secretary's button) records a MeetingPack and enqueues the job after
commit; the job calls `pack_build`, which claims the row by compare-and-set so a repeated or
redelivered job never builds it twice, gathers the data once and queues one job per format
(`pack_part_render`, each claiming its PackPart row): with two workers the DOCX and XLSX are
made while the PDF is laid out. Progress is kept on the pack row for the page.

Each job holds a lease while it works: the advisory lock `pack:<id>` or `pack:<id>:<format>`,
freed by PostgreSQL with a dead worker's connection. A job that finds the lease taken leaves
the work to the live job; one that gets it may take over a row left running (its job is dead),
and `packs_resume` queues again what a dead job left, within a minute.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
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
from ops.formats import formats_parse
from ops.locks import advisory_lock, lease_free, leases_held
from ops.models import OutboxMessage
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
# On SQLite (the demo, no advisory locks) a build that has not moved for this long lost its
# worker: another job may take it over. On PostgreSQL the job's lease says so at once.
STALE_AFTER = dt.timedelta(minutes=15)
# A pack or format still waiting this long after it was queued lost its message: queued again.
RESUME_AFTER = dt.timedelta(minutes=2)


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


def pack_request(
    *, actor: User, plan: Plan, meeting: Meeting | None, formats: list[str]
) -> MeetingPack:
    if not rules.can_manage_meetings(actor, plan):
        raise PermissionDenied(_("只有委员会秘书处可以生成会议材料。"))
    formats = formats_parse(formats, allowed=PackFormat.values)
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
    another job has the pack (or it is already built).

    The job holds the pack's lease (an advisory lock) while it works: a second live job is
    turned away by the lock, and a pack left running by a dead job (its lock freed with its
    connection) is taken over at once."""
    with advisory_lock(f"pack:{pack_id}") as leased:
        return leased and _pack_build(pack_id=pack_id)


def _claimable(*, now: dt.datetime) -> Q:
    """Rows a job holding their lease may claim: waiting ones, and running ones whose job is
    dead. On PostgreSQL we hold the lease, so a running row's job is dead; SQLite (the demo)
    cannot tell and waits for the claim to go stale."""
    running = Q(state=PackState.RUNNING)
    if not leases_held():
        running &= Q(started_at__lt=now - STALE_AFTER)
    return Q(state=PackState.PENDING) | running


def _pack_build(*, pack_id: int) -> bool:
    now = timezone.now()
    # A running pack with formats has been gathered (its formats are committed together with
    # the end of the gathering): a duplicate message must not gather it again.
    gathered = Exists(PackPart.objects.filter(pack_id=OuterRef("pk")))
    claimed = (
        MeetingPack.objects.filter(_claimable(now=now), pk=pack_id)
        .exclude(gathered)
        .update(state=PackState.RUNNING, started_at=now, progress=0, error="")
    )
    if not claimed:
        return False
    # The claim's time is its token: a job whose claim was taken over writes nothing.
    mine = MeetingPack.objects.filter(pk=pack_id, state=PackState.RUNNING, started_at=now)
    pack = MeetingPack.objects.select_related("plan", "meeting").get(pk=pack_id)
    try:
        _progress(pack_id, 5, _("汇总数据"))
        data = pack_data_for(plan=pack.plan, meeting=pack.meeting)
        with transaction.atomic():
            if not mine.update(data=data, progress=10, step=_("生成文件")):
                return False
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
        mine.update(state=PackState.PENDING)
        raise
    except Exception as exc:
        _fail(pack_id, exc)
        raise
    return True


def pack_part_render(*, pack_id: int, fmt: str) -> bool:
    """Render one format of a pack from its gathered data; False when another job has it.

    The job holds the format's lease (an advisory lock) from before its claim to its end: a
    live twin is turned away by the lock, and a part left running by a dead job is taken over
    at once. The claim is one UPDATE of the PackPart row (the pack's state is checked by
    EXISTS, so PostgreSQL re-checks the row's own state after waiting for a lock held by a
    twin job); its time is the claim's token: every later write of this job names it, so a
    job whose claim was taken over (its connection, and so its lease, lost) changes nothing."""
    with advisory_lock(f"pack:{pack_id}:{fmt}") as leased:
        return leased and _pack_part_render(pack_id=pack_id, fmt=fmt)


def _pack_part_render(*, pack_id: int, fmt: str) -> bool:
    now = timezone.now()
    running_pack = MeetingPack.objects.filter(pk=OuterRef("pack_id"), state=PackState.RUNNING)
    claimed = (
        PackPart.objects.filter(_claimable(now=now), pack_id=pack_id, format=fmt)
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
    """Queue again what a dead or exhausted job left behind (the beat runs this every minute):
    packs and formats still running whose lease is free (their job died: PostgreSQL freed its
    lock with its connection; on SQLite, running for STALE_AFTER), and those still waiting
    after RESUME_AFTER (their message was lost). The jobs' own claims make a second copy
    harmless; one queued in the last RESUME_AFTER (and after the claim) is not queued again,
    so a long queue is not flooded with copies."""
    now = timezone.now()
    waited = now - RESUME_AFTER
    packs = [
        (pk, started)
        for pk, state, started in MeetingPack.objects.filter(
            Q(state=PackState.PENDING, created_at__lt=waited)
            | Q(state=PackState.RUNNING, parts__isnull=True)
        )
        .values_list("pk", "state", "started_at")
        .distinct()
        if state == PackState.PENDING or _lease_lost(f"pack:{pk}", started, now=now)
    ]
    parts = [
        (pk, fmt, started)
        for pk, fmt, state, started in PackPart.objects.filter(pack__state=PackState.RUNNING)
        .filter(
            Q(state=PackState.PENDING, pack__started_at__lt=waited) | Q(state=PackState.RUNNING)
        )
        .values_list("pack_id", "format", "state", "started_at")
        if state == PackState.PENDING or _lease_lost(f"pack:{pk}:{fmt}", started, now=now)
    ]
    queued = _queued_since(waited) if packs or parts else {}
    packs = [pk for pk, started in packs if not _queued(queued, ("build", pk), started)]
    parts = [
        (pk, fmt) for pk, fmt, started in parts if not _queued(queued, ("render", pk, fmt), started)
    ]
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


def _lease_lost(name: str, started: dt.datetime | None, *, now: dt.datetime) -> bool:
    if leases_held():
        return lease_free(name)
    return started is None or started < now - STALE_AFTER


def _queued_since(since: dt.datetime) -> dict[tuple[Any, ...], dt.datetime]:
    """The pack jobs queued since `since`: their key and the latest time each was queued."""
    latest: dict[tuple[Any, ...], dt.datetime] = {}
    messages = OutboxMessage.objects.filter(
        created_at__gte=since, task_name__in=["meetings.pack_build", "meetings.pack_render"]
    ).values_list("task_name", "kwargs", "created_at")
    for task_name, kwargs, created in messages:
        if task_name == "meetings.pack_build":
            key: tuple[Any, ...] = ("build", kwargs.get("pack_id"))
        else:
            key = ("render", kwargs.get("pack_id"), kwargs.get("fmt"))
        latest[key] = max(created, latest.get(key, created))
    return latest


def _queued(
    queued: dict[tuple[Any, ...], dt.datetime], key: tuple[Any, ...], claimed: dt.datetime | None
) -> bool:
    """Queued lately, and after the dead job's claim (the message that job took is older)."""
    at = queued.get(key)
    return at is not None and (claimed is None or at > claimed)


def _progress(pack_id: int, percent: int, step: str) -> None:
    MeetingPack.objects.filter(pk=pack_id).update(progress=percent, step=step)
