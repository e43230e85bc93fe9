"""Meeting packs: gather what they say, render each format, and build them in a job.

`pack_request` (the secretary's button) records a MeetingPack and enqueues the job after
commit; the job calls `pack_build`, which claims the row by compare-and-set so a repeated or
redelivered job never builds it twice, and reports its progress on the row for the page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.rules import User
from ops.outbox import outbox_enqueue
from ops.retry import TRANSIENT_DB_ERRORS
from plans.models import Meeting, Plan
from reports.models import MeetingPack, PackFormat, PackState
from reports.packs.content import pack_content_gather
from reports.packs.docx import render_docx
from reports.packs.pdf import render_pdf
from reports.packs.xlsx import render_xlsx
from reports.rollups import plan_rollup_rows

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
        outbox_enqueue(task_name="reports.meeting_pack_build", kwargs={"pack_id": pack.pk})
    return pack


def pack_build(*, pack_id: int) -> bool:
    """Build the pack's files; False when another job has it (or it is already built)."""
    now = timezone.now()
    claimable = Q(state=PackState.PENDING) | Q(
        state=PackState.RUNNING, started_at__lt=now - STALE_AFTER
    )
    claimed = MeetingPack.objects.filter(claimable, pk=pack_id).update(
        state=PackState.RUNNING, started_at=now, progress=0, error=""
    )
    if not claimed:
        return False
    pack = MeetingPack.objects.select_related("plan__region", "plan__lead_agency", "meeting").get(
        pk=pack_id
    )
    try:
        _progress(pack, 5, _("汇总数据"))
        data = pack_data_for(plan=pack.plan, meeting=pack.meeting)
        stem = pack_file_stem(plan=pack.plan, meeting=pack.meeting, data=data)
        for i, fmt in enumerate(pack.formats):
            _progress(
                pack, 10 + 85 * i // len(pack.formats), _("生成 %(fmt)s") % {"fmt": fmt.upper()}
            )
            content = pack_render(data=data, fmt=fmt)
            getattr(pack, fmt).save(f"{stem}.{fmt}", ContentFile(content), save=False)
        pack.state, pack.progress, pack.step = PackState.DONE, 100, _("已生成")
        pack.finished_at = timezone.now()
        pack.save()
    except TRANSIENT_DB_ERRORS:
        # The database went away: put the pack back in the queue for the job's retry.
        MeetingPack.objects.filter(pk=pack_id).update(state=PackState.PENDING)
        raise
    except Exception as exc:
        # Recorded for the secretary, then raised for the job's own log.
        MeetingPack.objects.filter(pk=pack_id).update(
            state=PackState.FAILED, step=_("生成失败"), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    return True


def _progress(pack: MeetingPack, percent: int, step: str) -> None:
    MeetingPack.objects.filter(pk=pack.pk).update(progress=percent, step=step)
