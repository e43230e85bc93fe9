"""Self-evaluation pages: NIPA's side-by-side list, a plan's evaluations (and the open
button), and one evaluation with its parts, reviews, overall assessment, freeze and
downloads. Views parse the form, fetch through one permission-scoped getter, call a
service, and redirect back with a message."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies import rules
from evaluations import services
from evaluations.exports.services import (
    CONTENT_TYPES,
    FORMATS,
    export_file_stem,
    export_render,
)
from evaluations.forms import AssessForm, OpenForm, PartForm
from evaluations.models import EvaluationPart, PartState, SelfEvaluation
from evaluations.selectors import (
    document_data,
    evaluation_events,
    evaluation_overview,
    get_evaluation_for_user,
    get_part_for_user,
    parts_visible_to,
)
from plans.selectors import get_plan_for_user
from tasks.models import Task


@login_required
def evaluation_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluations/index.html",
        {"evaluations": evaluation_overview(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_evaluations(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_pk)
    can_open = rules.can_coordinate_plan(request.user, plan)
    form = OpenForm(request.POST or None)
    if request.method == "POST":
        if not can_open:
            raise PermissionDenied
        if form.is_valid():
            try:
                evaluation = services.evaluation_open(
                    actor=request.user,
                    plan=plan,
                    year=form.cleaned_data["year"],
                    scale_max=form.cleaned_data["scale_max"],
                )
                messages.success(request, _("已发起年度自评。"))
                return redirect("evaluations:detail", pk=evaluation.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
    evaluations = evaluation_overview(user=request.user, plan=plan)
    return render(
        request,
        "evaluations/plan_evaluations.html",
        {"plan": plan, "evaluations": evaluations, "form": form, "can_open": can_open},
    )


def _detail(
    request: HttpRequest,
    evaluation: SelfEvaluation,
    *,
    bound: dict[int, PartForm] | None = None,
    assess_form: AssessForm | None = None,
) -> HttpResponse:
    user = request.user
    plan = evaluation.plan
    can_coordinate = rules.can_coordinate_plan(user, plan)
    open_ = not evaluation.is_frozen
    mine = rules.reporting_agency_ids(user)
    by_task: dict[int, list[dict[str, Any]]] = defaultdict(list)
    counts = {state: 0 for state in PartState.values}
    for part in parts_visible_to(user=user, evaluation=evaluation):
        counts[part.state] += 1
        form = None
        if services.part_is_editable(evaluation=evaluation, part=part, agency_ids=mine):
            form = (bound or {}).get(part.pk) or PartForm(
                initial={
                    "version": part.version,
                    "completion": part.completion,
                    "percent": part.percent,
                    "score": part.score,
                    "achievements": part.achievements,
                    "problems": part.problems,
                    "next_steps": part.next_steps,
                    "evidence": part.evidence,
                },
                prefix=f"p{part.pk}",
            )
        by_task[part.task_id].append(
            {
                "part": part,
                "form": form,
                "reviewable": services.part_is_reviewable(
                    evaluation=evaluation, part=part, coordinates=can_coordinate
                ),
            }
        )
    tasks = [
        {"task": task, "parts": by_task.get(task.pk, [])}
        for task in Task.objects.filter(plan=plan).order_by("number")
    ]
    return render(
        request,
        "evaluations/detail.html",
        {
            "plan": plan,
            "evaluation": evaluation,
            "tasks": tasks,
            "counts": counts,
            "can_coordinate": can_coordinate and open_,
            "assess_form": assess_form
            or AssessForm(
                initial={"version": evaluation.version, "assessment": evaluation.assessment}
            ),
            "formats": FORMATS,
            "log": evaluation_events(evaluation=evaluation),
        },
    )


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_evaluation_for_user(request.user, pk))


def _error(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("没有权限执行此操作。")


@login_required
@require_POST
def part_save(request: HttpRequest, pk: int) -> HttpResponse:
    part = get_part_for_user(request.user, pk)
    evaluation = get_evaluation_for_user(request.user, part.evaluation_id)
    form = PartForm(request.POST, prefix=f"p{part.pk}")
    if not form.is_valid():
        return _detail(request, evaluation, bound={part.pk: form})
    data = form.cleaned_data
    submit = request.POST.get("action") == "submit"
    try:
        services.part_save(
            actor=request.user,
            part=part,
            version=data["version"],
            completion=data["completion"],
            percent=data["percent"],
            score=data["score"],
            achievements=data["achievements"],
            problems=data["problems"],
            next_steps=data["next_steps"],
            evidence=data["evidence"],
            submit=submit,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail(request, evaluation, bound={part.pk: form})
    messages.success(request, _("已提交自评分项。") if submit else _("已保存自评分项。"))
    return redirect(f"{_url(evaluation)}#part-{part.pk}")


def _url(evaluation: SelfEvaluation) -> str:
    return reverse("evaluations:detail", args=[evaluation.pk])


@login_required
@require_POST
def part_review(request: HttpRequest, pk: int) -> HttpResponse:
    part: EvaluationPart = get_part_for_user(request.user, pk)
    accept = request.POST.get("action") == "accept"
    version = request.POST.get("version")
    try:
        services.part_review(
            actor=request.user,
            part=part,
            accept=accept,
            reason=request.POST.get("reason", ""),
            version=int(version) if version and version.isdigit() else None,
        )
        messages.success(request, _("已采纳。") if accept else _("已退回。"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error(exc))
    return redirect(f"{_url(part.evaluation)}#part-{part.pk}")


@login_required
@require_POST
def evaluation_assess(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation_for_user(request.user, pk)
    form = AssessForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_assess(
                actor=request.user,
                evaluation=evaluation,
                assessment=form.cleaned_data["assessment"],
                version=form.cleaned_data["version"],
            )
            messages.success(request, _("已保存总体评价。"))
            return redirect("evaluations:detail", pk=evaluation.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return _detail(request, evaluation, assess_form=form)


@login_required
@require_POST
def evaluation_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation_for_user(request.user, pk)
    try:
        services.evaluation_freeze(actor=request.user, evaluation=evaluation)
        messages.success(request, _("已冻结本年度自评。"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error(exc))
    return redirect("evaluations:detail", pk=evaluation.pk)


@login_required
def evaluation_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    evaluation = get_evaluation_for_user(request.user, pk)
    if fmt not in FORMATS:
        raise Http404
    if not _reads_all_parts(request.user, evaluation):
        # The documents print every part: only those who may read every part download them.
        raise PermissionDenied
    data = document_data(plan=evaluation.plan, year=evaluation.year, evaluation=evaluation)
    response = HttpResponse(export_render(data=data, fmt=fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_file_stem(data=data)}.{fmt}"'
    return response


def _reads_all_parts(user: Any, evaluation: SelfEvaluation) -> bool:
    return rules.reads_everything(user) or evaluation.plan.lead_agency_id in rules.agency_ids(user)
