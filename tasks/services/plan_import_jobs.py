"""Importing a large document in the background (over IMPORT_INLINE_MAX_BYTES): a web worker
only stores it, jobs do the decoding, parsing and writing.

`plan_import_job_create` keeps the document on a PlanImportJob row and enqueues
`tasks.plan_import_parse` in the same transaction; that job (`plan_import_job_parse`) decodes
and parses it and keeps the result for the preview. The coordinator's confirmation
(`plan_import_job_confirm`) enqueues `tasks.plan_import_apply` (`plan_import_job_apply`),
which parses the stored text again with the overrides and runs `plan_import` as the
requester. Each job claims the row by compare-and-set, and every later write names the
claim's time, so a redelivered job does nothing twice; a claim older than STALE_AFTER lost its
worker and may be taken over. A document the importer refuses, or an import it rejects, ends
the row as failed with the message for the user: never a retry loop.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.rules import User
from ops.outbox import outbox_enqueue
from ops.retry import TRANSIENT_DB_ERRORS
from plans.importer.decode import DocumentError, decode_document
from plans.importer.limits import Limits
from plans.importer.model import (
    ParsedGuaranteeMeasure,
    ParsedIndicator,
    ParsedPlan,
    ParsedResponsibility,
    ParsedSection,
    ParsedTask,
)
from plans.importer.names import ParsedRegion
from plans.importer.parse import parse_plan
from plans.services import PlanImportError
from tasks.models import PlanImportJob, PlanImportState
from tasks.services.plan_import import ImportOutcome, plan_import

logger = logging.getLogger(__name__)

# A claim that has not finished in this long lost its worker: another job may take it over.
STALE_AFTER = dt.timedelta(minutes=15)
# Finished (and abandoned previews') rows are deleted after this long: they hold the document.
KEEP_FOR = dt.timedelta(days=7)
ACTIVE_STATES = (PlanImportState.PENDING, PlanImportState.PARSING, PlanImportState.IMPORTING)


def _queued() -> str:
    return _("排队中，请稍候")


def import_outcome_message(outcome: ImportOutcome) -> str:
    if not outcome.changed:
        return _("该文件已导入过，未作改动。")
    return _("方案已导入。") if outcome.created else _("方案已按新文本修订。")


# --- reads ----------------------------------------------------------------------------------


def plan_import_job_for_user(*, user: User, pk: int, full: bool = False) -> PlanImportJob:
    """The job if the user asked for it or administers its requester; 404 otherwise. The
    document and the parse result are loaded only when `full` (the preview and the confirm)."""
    jobs = PlanImportJob.objects.filter(pk=pk)
    if not full:
        jobs = jobs.defer("document", "text", "parsed")
    job = jobs.first()
    if job is None or not _may_see(user, job):
        raise rules.NotVisible
    return job


def _may_see(user: User, job: PlanImportJob) -> bool:
    if job.requested_by_id == user.pk:
        return True
    return rules.administered_users(user).filter(pk=job.requested_by_id).exists()


def plan_import_job_parsed(*, job: PlanImportJob) -> ParsedPlan:
    """The stored parse result, as the parser returned it."""
    return parsed_from_json(job.parsed or {})


# --- writes ---------------------------------------------------------------------------------


def plan_import_job_create(
    *,
    actor: User,
    document: bytes | None,
    filename: str = "",
    text: str = "",
    overrides: dict[str, Any],
) -> PlanImportJob:
    """Keep the document (an upload's bytes, or pasted text) and queue its parsing."""
    if not rules.can_import_plan(actor):
        raise PermissionDenied
    with transaction.atomic():
        job = PlanImportJob.objects.create(
            requested_by=actor,
            document=document,
            filename=filename[:255],
            text="" if document is not None else text,
            title=overrides.get("title") or "",
            doc_number=overrides.get("doc_number") or "",
            issued_on=overrides.get("issued_on"),
            region=overrides.get("region") or "",
            step=_queued(),
        )
        outbox_enqueue(task_name="tasks.plan_import_parse", kwargs={"job_id": job.pk})
    return job


def plan_import_job_parse(*, job_id: int) -> bool:
    """Decode and parse the stored document; False when another job has it (or had it)."""
    plan_import_jobs_purge()
    now = timezone.now()
    claimable = Q(state=PlanImportState.PENDING) | Q(
        state=PlanImportState.PARSING, started_at__lt=now - STALE_AFTER
    )
    claimed = PlanImportJob.objects.filter(claimable, pk=job_id).update(
        state=PlanImportState.PARSING, started_at=now, progress=5, step=_("读取文件"), error=""
    )
    if not claimed:
        return False
    mine = PlanImportJob.objects.filter(pk=job_id, state=PlanImportState.PARSING, started_at=now)
    job = PlanImportJob.objects.get(pk=job_id)
    limits = Limits.from_settings(settings)
    try:
        text = job.text
        if job.document is not None:
            mine.update(progress=10, step=_("解码文件"))
            text = decode_document(data=bytes(job.document), filename=job.filename, limits=limits)
        mine.update(progress=40, step=_("识别章节、任务与责任单位"))
        parsed = _parse(job, text, limits)
        mine.update(
            state=PlanImportState.PARSED,
            text=text,
            parsed=parsed_to_json(parsed),
            progress=100,
            step=_("识别完成，请核对后确认"),
        )
    except DocumentError as exc:
        _fail(mine, str(exc))
    except TRANSIENT_DB_ERRORS:
        mine.update(state=PlanImportState.PENDING)  # back in the queue for the job's retry
        raise
    except Exception:
        _fail(mine, _("处理文件时出错，请稍后重试或联系管理员。"))
        raise
    return True


def plan_import_job_can_confirm(*, job: PlanImportJob, user: User) -> bool:
    """Only the requester confirms (their administrators may look, not confirm)."""
    return job.requested_by_id == user.pk and rules.can_import_plan(user)


def plan_import_job_confirm(
    *, job: PlanImportJob, actor: User, name_choices: dict[str, int]
) -> bool:
    """Queue the import of a parsed document, as its requester; False if it is not waiting
    for confirmation (already confirmed, in a second tab)."""
    if not plan_import_job_can_confirm(job=job, user=actor):
        raise PermissionDenied
    with transaction.atomic():
        queued = PlanImportJob.objects.filter(pk=job.pk, state=PlanImportState.PARSED).update(
            state=PlanImportState.IMPORTING,
            name_choices=name_choices,
            started_at=None,
            progress=0,
            step=_queued(),
        )
        if queued:
            outbox_enqueue(task_name="tasks.plan_import_apply", kwargs={"job_id": job.pk})
    return bool(queued)


def plan_import_job_apply(*, job_id: int) -> bool:
    """Parse the stored text again with the overrides and import it as the requester, with
    the names as they were mapped; False when another job has it (or it is done)."""
    now = timezone.now()
    claimable = Q(started_at__isnull=True) | Q(started_at__lt=now - STALE_AFTER)
    claimed = PlanImportJob.objects.filter(
        claimable, pk=job_id, state=PlanImportState.IMPORTING
    ).update(started_at=now, progress=10, step=_("识别章节、任务与责任单位"))
    if not claimed:
        return False
    mine = PlanImportJob.objects.filter(pk=job_id, state=PlanImportState.IMPORTING, started_at=now)
    job = PlanImportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        parsed = _parse(job, job.text, Limits.from_settings(settings))
        mine.update(progress=50, step=_("写入方案与任务"))
        with transaction.atomic():
            outcome = plan_import(
                parsed=parsed,
                text=job.text,
                actor=job.requested_by,
                name_choices={str(k): int(v) for k, v in (job.name_choices or {}).items()},
            )
            finished = mine.update(
                state=PlanImportState.DONE,
                plan=outcome.plan,
                progress=100,
                step=import_outcome_message(outcome)[:100],
                finished_at=timezone.now(),
                document=None,
                text="",
                parsed=None,
            )
            if not finished:
                # Taken over meanwhile: the other job's import counts, this one rolls back.
                transaction.set_rollback(True)
    except (DocumentError, PlanImportError) as exc:
        _fail(mine, str(exc))
    except PermissionDenied:
        _fail(mine, _("只有该方案牵头单位的协调员可以用新文本修订它。"))
    except TRANSIENT_DB_ERRORS:
        mine.update(started_at=None)  # back in the queue for the job's retry
        raise
    except Exception:
        _fail(mine, _("导入时出错，未写入任何内容。请稍后重试或联系管理员。"))
        raise
    return True


def plan_import_jobs_purge(*, now: dt.datetime | None = None) -> int:
    """Delete rows finished, failed or left unconfirmed for KEEP_FOR: each holds a document
    of up to IMPORT_MAX_UPLOAD_BYTES. Run at the start of every parse job."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    old = PlanImportJob.objects.filter(
        state__in=[PlanImportState.DONE, PlanImportState.FAILED, PlanImportState.PARSED],
        created_at__lt=cutoff,
    )
    deleted, _detail = old.delete()
    return deleted


def _parse(job: PlanImportJob, text: str, limits: Limits) -> ParsedPlan:
    return parse_plan(
        text=text,
        title=job.title or None,
        region=job.region or None,
        doc_number=job.doc_number or None,
        issued_on=job.issued_on,
        limits=limits,
    )


def _fail(mine: QuerySet[PlanImportJob], message: str) -> None:
    """The row ends failed with the message for the user; the document is dropped."""
    mine.update(
        state=PlanImportState.FAILED,
        error=message,
        step="",
        finished_at=timezone.now(),
        document=None,
        text="",
        parsed=None,
    )


# --- the parse result as JSON ---------------------------------------------------------------


def parsed_to_json(parsed: ParsedPlan) -> dict[str, Any]:
    """Every field of the ParsedPlan, in JSON types (dates as ISO text, numbers as text)."""
    return _jsonable(dataclasses.asdict(parsed))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def parsed_from_json(data: dict[str, Any]) -> ParsedPlan:
    """The ParsedPlan `parsed_to_json` stored."""
    region_parts = data.get("region_parts")
    measures = data.get("guarantee_measures", [])
    return ParsedPlan(
        title=data.get("title"),
        doc_number=data.get("doc_number"),
        issued_on=_date(data.get("issued_on")),
        region=data.get("region"),
        issuers=list(data.get("issuers", [])),
        sections=[ParsedSection(**s) for s in data.get("sections", [])],
        tasks=[_task(t) for t in data.get("tasks", [])],
        indicators=[
            ParsedIndicator(
                **{
                    **i,
                    "target": Decimal(i["target"]),
                    "baseline": _decimal(i.get("baseline")),
                }
            )
            for i in data.get("indicators", [])
        ],
        guarantee_measures=[ParsedGuaranteeMeasure(**g) for g in measures],
        warnings=list(data.get("warnings", [])),
        kind=data.get("kind", "joint"),
        published_on=_date(data.get("published_on")),
        region_parts=ParsedRegion(**region_parts) if region_parts else None,
    )


def _task(data: dict[str, Any]) -> ParsedTask:
    resps = [ParsedResponsibility(**r) for r in data["responsibilities"]]
    return ParsedTask(**{**data, "responsibilities": resps})
