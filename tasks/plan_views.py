"""The plan's pages that show its tasks: the plan with its task table, and the import
(upload or paste → preview → correct → confirm) that writes plan and tasks together.

A document over IMPORT_INLINE_MAX_BYTES is never parsed here: it is stored and the user
follows its background job on /plans/import/<id>/ (polled by htmx), which shows the same
preview once parsed and queues the import on confirmation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from agencies import rules
from plans.forms import ImportForm
from plans.importer.decode import DocumentError
from plans.selectors import get_plan_for_user
from plans.services import PlanImportError, plan_preview
from tasks.models import PlanImportState
from tasks.selectors import plan_tasks
from tasks.services.plan_import import plan_import
from tasks.services.plan_import_jobs import (
    import_outcome_message,
    plan_import_job_can_confirm,
    plan_import_job_confirm,
    plan_import_job_create,
    plan_import_job_for_user,
    plan_import_job_parsed,
)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    ctx = {
        "plan": plan,
        "tasks": plan_tasks(plan=plan),
        "indicators": plan.indicators.all(),
        "guarantee_measures": plan.guarantee_measures.all(),
        "can_coordinate": rules.can_coordinate_plan(request.user, plan),
    }
    return render(request, "plans/plan_detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def plan_import_page(request: HttpRequest) -> HttpResponse:
    """导入方案: upload or paste → preview → correct → confirm."""
    if not rules.can_import_plan(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "GET" or not form.is_valid():
        return render(request, "plans/import.html", {"form": form})
    try:
        # Sizes first: over IMPORT_MAX_UPLOAD_BYTES is refused, over IMPORT_INLINE_MAX_BYTES is
        # stored unread. A small upload whose text is large (a GB18030 file in UTF-8, a .docx
        # unzipped) goes to the job as that text: the preview would post it back on confirm.
        text = None if form.is_large() else form.read_text()
        if text is None or _is_large_text(text):
            return _to_job(request, form, text=text)  # parsed by the job, never here
        parsed = form.parse(text)
    except DocumentError as exc:
        form.add_error(None, str(exc))
        return render(request, "plans/import.html", {"form": form}, status=400)
    preview = plan_preview(parsed=parsed, text=text)
    if request.POST.get("action") != "confirm":
        form = ImportForm(initial={**form.cleaned_data, "text": text, "document": None})
        return render(request, "plans/preview.html", {"form": form, "preview": preview})
    try:
        outcome = plan_import(
            parsed=parsed,
            text=text,
            actor=request.user,
            name_choices=_posted_choices(request),
        )
    except PlanImportError as exc:
        form.add_error(None, str(exc))
        return render(request, "plans/preview.html", {"form": form, "preview": preview}, 400)
    messages.success(request, import_outcome_message(outcome))
    return redirect("plans:plan_detail", pk=outcome.plan.pk)


def _is_large_text(text: str) -> bool:
    return len(text.encode("utf-8")) > settings.IMPORT_INLINE_MAX_BYTES


def _to_job(request: HttpRequest, form: ImportForm, *, text: str | None) -> HttpResponse:
    """Store the large document for the background job and follow it: as sent (its bytes
    read, not decoded), or as the text already decoded."""
    document = form.cleaned_data["document"]
    job = plan_import_job_create(
        actor=request.user,
        document=document.read() if document and text is None else None,
        filename=document.name if document else "",
        text=text if text is not None else form.cleaned_data["text"],
        overrides=form.overrides(),
    )
    return redirect("plans:plan_import_job", pk=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_import_job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A large document's import: its progress (polled), then the preview and the confirm,
    then the link to the plan. Only for its requester and those who administer them."""
    job = plan_import_job_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        if request.POST.get("action") == "confirm":
            plan_import_job_confirm(
                job=job, actor=request.user, name_choices=_posted_choices(request)
            )
        return redirect("plans:plan_import_job", pk=job.pk)
    if job.state != PlanImportState.PARSED:
        return render(request, "plans/import_progress.html", {"job": job})
    if request.htmx:
        return HttpResponseClientRefresh()  # parsed while polled: load the preview page
    job = plan_import_job_for_user(user=request.user, pk=pk, full=True)
    preview = plan_preview(parsed=plan_import_job_parsed(job=job), text=job.text)
    can_confirm = plan_import_job_can_confirm(job=job, user=request.user)
    ctx = {"preview": preview, "job": job, "can_confirm": can_confirm}
    return render(request, "plans/preview.html", ctx)


def _posted_choices(request: HttpRequest) -> dict[str, int]:
    """The `map-<index>` choices of the preview form (inline or from a job): an existing
    agency's id, or new. Indices past the preview's unknown names are ignored by the import."""
    choices: dict[str, int] = {}
    for key, value in request.POST.items():
        index = key.removeprefix("map-")
        if key.startswith("map-") and index.isdigit() and value.isdigit():
            choices[index] = int(value)
    return choices
