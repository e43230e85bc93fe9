"""完成时限 of a whole plan: one grid of every task's due date and lead agency, for the
plan's coordinators. Dates may be typed per row or pasted as a column from Excel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies import rules
from plans.selectors import get_plan_for_user
from tasks.forms import DeadlineGridForm
from tasks.services.deadlines import GridConflict, deadline_grid_save, deadline_grid_tasks


@login_required
@require_http_methods(["GET", "POST"])
def plan_deadlines(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_pk)
    if not rules.can_coordinate_plan(request.user, plan):
        raise PermissionDenied
    form = DeadlineGridForm(request.POST or None, tasks=list(deadline_grid_tasks(plan=plan)))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                n = deadline_grid_save(actor=request.user, plan=plan, rows=form.rows())
                messages.success(request, _("已保存 %(n)d 项任务的修改。") % {"n": n})
                return redirect("tasks:plan_deadlines", plan_pk=plan.pk)
            except GridConflict as exc:
                form, status = form.refreshed(exc.conflicts), 409
                for message in exc.messages:
                    form.add_error(None, message)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
    return render(request, "tasks/deadlines.html", {"plan": plan, "form": form}, status=status)
