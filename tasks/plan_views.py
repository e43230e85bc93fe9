"""The plan's pages that show its tasks: the plan with its task table, and the import
(upload or paste → preview → correct → confirm) that writes plan and tasks together."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies import rules
from plans.forms import ImportForm
from plans.importer.decode import DocumentError
from plans.selectors import get_plan_for_user
from plans.services import PlanImportError, plan_preview
from tasks.selectors import plan_tasks
from tasks.services.plan_import import ImportOutcome, plan_import


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
        text, parsed = form.read_plan()
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
            name_choices=_chosen_agencies(request, preview),
        )
    except PlanImportError as exc:
        form.add_error(None, str(exc))
        return render(request, "plans/preview.html", {"form": form, "preview": preview}, 400)
    messages.success(request, _outcome_message(outcome))
    return redirect("plans:plan_detail", pk=outcome.plan.pk)


def _outcome_message(outcome: ImportOutcome) -> str:
    if not outcome.changed:
        return _("该文件已导入过，未作改动。")
    return _("方案已导入。") if outcome.created else _("方案已按新文本修订。")


def _chosen_agencies(request: HttpRequest, preview) -> dict[str, int]:
    """The coordinator's choice for each unknown name: an existing agency's id, or new."""
    choices: dict[str, int] = {}
    for index, _name in enumerate(preview.unknown_names):
        value = request.POST.get(f"map-{index}", "")
        if value.isdigit():
            choices[str(index)] = int(value)
    return choices
