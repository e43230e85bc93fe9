"""Task pages: 我的任务, the task page with its status block and timeline, and work items.

Views parse input, fetch through one permission-scoped getter, call a service, render. With
htmx the status block and the timeline swap in place; without JavaScript every form is a
plain POST that redirects back with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies import rules
from agencies.models import Agency
from ops.page_cache import cached_page
from ops.rows import choice_labels, day_text, pk_path
from plans.selectors import plan_indicators_counted
from tasks import selectors, services
from tasks.forms import (
    CloseForm,
    CommentForm,
    ExtensionDecideForm,
    ExtensionRequestForm,
    MyTasksFilterForm,
    StatusForm,
    WorkItemEditForm,
    WorkItemForm,
    WorkItemStatusForm,
)
from tasks.lights import light_badges, light_for
from tasks.models import ResponsibilityRole, Status, Task, WorkItem
from tasks.services import Conflict

# --- 我的任务 -------------------------------------------------------------------------------


@login_required
@require_GET
@cached_page
def my_tasks(request: HttpRequest) -> HttpResponse:
    form = MyTasksFilterForm(request.GET or None, plans=selectors.my_plans(user=request.user))
    form.is_valid()  # an invalid filter is shown with its error and ignored
    data = getattr(form, "cleaned_data", {})
    groups = selectors.my_tasks(
        user=request.user,
        plan=data.get("plan"),
        status=data.get("status") or None,
        role=data.get("role") or None,
        overdue=bool(data.get("overdue")),
        q=data.get("q") or "",
    )
    ctx = {"form": form, "groups": _my_task_lines(groups)}
    if request.htmx and request.htmx.target == "my-tasks-results":
        return render(request, "tasks/_my_tasks_results.html", ctx)
    return render(request, "tasks/my_tasks.html", ctx)


def _my_task_lines(groups: list[selectors.PlanGroup]) -> list[dict[str, Any]]:
    """The rows as the page shows them, in plain values: the links, the labels and the light
    made once per page and filled in per row, not a `{% url %}`, a choices lookup, a date
    filter and an include for each of a busy liaison's rows."""
    task_url = pk_path("tasks:task_detail")
    item_url = pk_path("tasks:work_item_detail")
    report_url = pk_path("reports:report_detail")
    statuses = choice_labels(Status.choices)
    roles = choice_labels(ResponsibilityRole.choices)
    lights = light_badges()
    return [
        {
            "plan": group.plan,
            "lines": [
                {
                    "kind": row.kind,
                    "label": row.task.label,
                    "title": row.title,
                    "year": row.work_item.year if row.work_item else None,
                    "url": item_url(row.work_item.pk) if row.work_item else task_url(row.task.pk),
                    "returned": {
                        "url": report_url(row.returned.pk),
                        "period": row.returned.period,
                        "reason": row.returned.reason,
                    }
                    if row.returned
                    else None,
                    "role": row.role,
                    "role_label": roles[row.role],
                    "status": row.status,
                    "status_label": statuses[row.status],
                    "light": lights[row.light],
                    "due_on": day_text(row.due_on),
                    "next_report_due": day_text(row.next_report_due),
                    "overdue": row.overdue,
                }
                for row in group.rows
            ],
        }
        for group in groups
    ]


# --- the task page ------------------------------------------------------------------------


@login_required
@require_GET
@cached_page
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_task(request, selectors.get_task_for_user(request.user, pk))


@login_required
@require_POST
def task_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk, write=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.task_set_status(
                actor=request.user,
                task=task,
                status=data["status"],
                reason=data["reason"],
                expected_version=data["version"],
            )
        except Conflict as conflict:
            current: Task = conflict.current  # type: ignore[assignment]
            fresh = _status_form(current, reason=data["reason"])
            return _status_response(request, current, fresh, conflict=conflict, status=409)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if request.htmx:
                return _status_response(request, task, _status_form(task), saved=True)
            messages.success(request, _("任务状态已更新。"))
            return redirect("tasks:task_detail", pk=task.pk)
    return _status_response(request, task, form, status=400)


@login_required
@require_POST
def task_comment(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.task_comment(actor=request.user, task=task, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if request.htmx:
                return render(request, "tasks/_timeline.html", _timeline_ctx(request, task))
            messages.success(request, _("评论已发表。"))
            return redirect("tasks:task_detail", pk=task.pk)
    if request.htmx:
        ctx = _timeline_ctx(request, task, comment_form=form)
        return render(request, "tasks/_timeline.html", ctx, status=400)
    return _render_task(request, task, comment_form=form, status=400)


def _render_task(
    request: HttpRequest,
    task: Task,
    *,
    status_form: Form | None = None,
    comment_form: Form | None = None,
    conflict: Conflict | None = None,
    status: int = 200,
) -> HttpResponse:
    ctx = {
        **_status_ctx(request, task, status_form, conflict=conflict),
        **_timeline_ctx(request, task, comment_form=comment_form),
        "matrix": selectors.task_responsibility_matrix(task=task),
        "work_items": selectors.task_work_items(task=task),
        # Once per page, not a get_status_display (which rehashes every choice) per work item.
        "status_labels": choice_labels(Status.choices),
        "indicators": plan_indicators_counted(plan=task.plan),
    }
    return render(request, "tasks/task_detail.html", ctx, status=status)


def _status_form(task: Task, *, reason: str = "") -> StatusForm:
    return StatusForm(initial={"status": task.status, "version": task.version, "reason": reason})


def _status_ctx(
    request: HttpRequest,
    task: Task,
    form: Form | None,
    *,
    conflict: Conflict | None = None,
    saved: bool = False,
) -> dict[str, Any]:
    can_edit = rules.can_edit_task(request.user, task)
    light = light_for(status=task.status, due_on=task.due_on, today=timezone.localdate())
    return {
        "task": task,
        "plan": task.plan,
        "light": light,
        "can_edit": can_edit,
        "status_form": (form or _status_form(task)) if can_edit else None,
        "conflict": conflict,
        "saved": saved,
    }


def _status_response(
    request: HttpRequest,
    task: Task,
    form: Form,
    *,
    conflict: Conflict | None = None,
    saved: bool = False,
    status: int = 200,
) -> HttpResponse:
    """htmx: the status block, and the timeline out of band; without JS: the whole page."""
    if not request.htmx:
        return _render_task(request, task, status_form=form, conflict=conflict, status=status)
    ctx = {
        **_status_ctx(request, task, form, conflict=conflict, saved=saved),
        **_timeline_ctx(request, task),
        "oob": True,
    }
    return render(request, "tasks/_status_response.html", ctx, status=status)


def _timeline_ctx(
    request: HttpRequest, task: Task, *, comment_form: Form | None = None
) -> dict[str, Any]:
    can_comment = rules.can_comment(request.user, task)
    events, older = selectors.task_timeline_head(user=request.user, task=task)
    return {
        "task": task,
        "events": events,
        "older_events": older,
        "can_comment": can_comment,
        "comment_form": (comment_form or CommentForm()) if can_comment else None,
    }


# --- work items ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def work_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk, write=True)
    agencies = selectors.work_item_agency_choices(task=task)
    initial = {"year": timezone.localdate().year}
    form = WorkItemForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.work_item_create(
                actor=request.user,
                task=task,
                title=data["title"],
                body=data["body"],
                year=data["year"],
                due_on=data["due_on"],
                agency_ids=[a.pk for a in data["agencies"]],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("工作要点已创建。"))
            return redirect("tasks:work_item_detail", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    ctx = {"task": task, "plan": task.plan, "form": form}
    return render(request, "tasks/work_item_create.html", ctx, status=status)


@login_required
@require_GET
def work_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_work_item(request, selectors.get_work_item_for_user(request.user, pk))


@login_required
@require_POST
def work_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_work_item_for_user(request.user, pk, write=True)
    agencies = selectors.work_item_agency_choices(task=item.task)

    def save(data: dict[str, Any]) -> None:
        services.work_item_update(
            actor=request.user,
            work_item=item,
            title=data["title"],
            body=data["body"],
            year=data["year"],
            due_on=data["due_on"],
            agency_ids=[a.pk for a in data["agencies"]],
            expected_version=data["version"],
        )

    return _work_item_post(
        request,
        item,
        lambda data: WorkItemEditForm(data, prefix="edit", agencies=agencies),
        save,
        done=_("工作要点已保存。"),
    )


@login_required
@require_POST
def work_item_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_work_item_for_user(request.user, pk, write=True)
    return _work_item_post(
        request,
        item,
        lambda data: WorkItemStatusForm(data, prefix="status"),
        lambda data: services.work_item_set_status(
            actor=request.user,
            work_item=item,
            status=data["status"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        done=_("工作要点状态已更新。"),
    )


@login_required
@require_POST
def work_item_close(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_work_item_for_user(request.user, pk, write=True)
    return _work_item_post(
        request,
        item,
        lambda data: CloseForm(data, prefix="close"),
        lambda data: services.work_item_close(
            actor=request.user,
            work_item=item,
            note=data["note"],
            expected_version=data["version"],
        ),
        done=_("工作要点已办结。"),
    )


# --- extension requests (延期申请) ----------------------------------------------------------


@login_required
@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_work_item_for_user(request.user, pk)
    agencies = _extension_agencies(request, item)
    if not agencies:
        raise PermissionDenied
    return _work_item_post(
        request,
        item,
        lambda data: ExtensionRequestForm(data, prefix="ext", agencies=agencies),
        lambda data: services.extension_request(
            actor=request.user,
            work_item=item,
            agency=data["agency"],
            new_due_on=data["new_due_on"],
            reason=data["reason"],
        ),
        done=_("延期申请已提交，等待协调员审批。"),
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ext = selectors.get_extension_request_for_user(request.user, pk, write=True)
    grant = request.POST.get("decide-decision") == "grant"
    return _work_item_post(
        request,
        ext.work_item,
        lambda data: ExtensionDecideForm(data, prefix="decide"),
        lambda data: services.extension_decide(
            actor=request.user, request=ext, grant=grant, note=data["note"]
        ),
        done=_("已同意延期。") if grant else _("已不同意延期。"),
    )


def _extension_agencies(request: HttpRequest, item: WorkItem) -> QuerySet[Agency]:
    ids = services.extension_agency_ids(request.user, item)
    return Agency.objects.filter(pk__in=ids).order_by("name")


def _work_item_post(
    request: HttpRequest,
    item: WorkItem,
    make_form: Callable[[Any], Form],
    save: Callable[[dict[str, Any]], object],
    *,
    done: str,
) -> HttpResponse:
    """One form of the work item page: saved, back to the page with `done`; refused, the page
    again with the form and its errors (400); stale, the page with the current values and the
    user's input at the current version, to review and save again (409)."""
    form = make_form(request.POST)
    key = f"{form.prefix}_form"
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except Conflict as conflict:
            current: WorkItem = conflict.current  # type: ignore[assignment]
            posted = request.POST.copy()
            posted[form.add_prefix("version")] = str(current.version)
            bound = {key: make_form(posted)}
            return _render_work_item(request, current, conflict=conflict, status=409, **bound)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("tasks:work_item_detail", pk=item.pk)
    return _render_work_item(request, item, status=400, **{key: form})


# --- the work item page -------------------------------------------------------------------


def _render_work_item(
    request: HttpRequest,
    item: WorkItem,
    *,
    conflict: Conflict | None = None,
    status: int = 200,
    **bound: Form,
) -> HttpResponse:
    """The work item page; `bound` holds a submitted form to show again with its errors."""
    task = item.task
    can_edit = rules.can_edit_task(request.user, task)
    is_open = item.status != Status.COMPLETED
    forms: dict[str, Form | None] = {}
    if can_edit and is_open:
        agencies = selectors.work_item_agency_choices(task=task)
        forms["edit_form"] = WorkItemEditForm(
            prefix="edit",
            agencies=agencies,
            initial={
                "title": item.title,
                "body": item.body,
                "year": item.year,
                "due_on": item.due_on,
                "agencies": list(item.agencies.all()),
                "version": item.version,
            },
        )
        forms["close_form"] = CloseForm(prefix="close", initial={"version": item.version})
    if can_edit:
        initial = {"status": item.status, "version": item.version}
        forms["status_form"] = WorkItemStatusForm(prefix="status", initial=initial)
        forms["decide_form"] = ExtensionDecideForm(prefix="decide")
    ext_agencies = _extension_agencies(request, item) if is_open else Agency.objects.none()
    if ext_agencies:
        forms["ext_form"] = ExtensionRequestForm(prefix="ext", agencies=ext_agencies)
    forms.update(bound)
    ctx = {
        "item": item,
        "task": task,
        "plan": task.plan,
        "light": light_for(status=item.status, due_on=item.due_on, today=timezone.localdate()),
        "agencies": item.agencies.all(),
        "extensions": selectors.work_item_extensions(work_item=item),
        "events": selectors.work_item_timeline(work_item=item),
        "can_edit": can_edit,
        "conflict": conflict,
        **forms,
    }
    return render(request, "tasks/work_item_detail.html", ctx, status=status)


def _add_errors(form: Form, exc: ValidationError) -> None:
    """A service's refusal on the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
