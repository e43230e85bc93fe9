from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies import rules
from ops.concurrency import Conflict
from plans.selectors import get_plan_for_user
from reports import periods, services
from reports.forms import (
    AttachmentForm,
    PeriodForm,
    ReportForm,
    ReportingSideForm,
    ReturnForm,
    ScheduleForm,
)
from reports.models import ProgressReport
from reports.selectors import (
    get_attachment_for_user,
    get_report_for_user,
    get_report_slot_for_writer,
)


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, task_pk: int, agency_pk: int, period_pk: int) -> HttpResponse:
    """Write the agency's report for a period: nothing is created until the first save."""
    slot = get_report_slot_for_writer(
        request.user, task_pk=task_pk, agency_pk=agency_pk, period_pk=period_pk
    )
    form = ReportForm.for_report(request.POST or None, report=slot.report)
    status = 200
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            report = services.report_save(
                actor=request.user,
                **slot.where(),
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                submit=submit,
            )
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            slot.report, status = conflict.current, 409
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
            status = 400
        else:
            return _report_saved(request, report, submitted=submit)
    ctx = {**vars(slot), "form": form, "attachment_form": AttachmentForm()}
    return render(request, "reports/report_edit.html", ctx, status=status)


def _report_saved(request: HttpRequest, report: ProgressReport, *, submitted: bool) -> HttpResponse:
    if submitted:
        messages.success(request, _("报告已提交。"))
        return redirect("reports:report_detail", pk=report.pk)
    messages.success(request, _("草稿已保存。"))
    return redirect("reports:report_edit", report.task_id, report.agency_id, report.period_id)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    ctx = {
        "report": report,
        "can_review": rules.can_review_report(request.user, report),
        "can_write": rules.can_write_report(request.user, report.task, report.agency_id),
        "return_form": ReturnForm(),
        "events": report.events.select_related("actor").order_by("-created_at"),
    }
    return render(request, "reports/report_detail.html", ctx)


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept, return with a reason, or flag as 典型案例: the coordinator's actions."""
    report = get_report_for_user(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "accept":
            services.report_accept(actor=request.user, report=report)
            messages.success(request, _("报告已采纳。"))
        elif action == "return":
            reason = request.POST.get("reason", "")
            services.report_return(actor=request.user, report=report, reason=reason)
            messages.success(request, _("报告已退回。"))
        elif action in ("flag", "unflag"):
            services.report_flag_typical(
                actor=request.user, report=report, flagged=action == "flag"
            )
            messages.success(request, _("典型案例标记已更新。"))
        else:
            raise ValidationError(_("未知操作。"))
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect("reports:report_detail", pk=report.pk)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk, write=True)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
    else:
        try:
            services.attachment_add(
                actor=request.user, report=report, upload=form.cleaned_data["file"]
            )
            messages.success(request, _("佐证材料已上传。"))
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
    return redirect("reports:report_edit", report.task_id, report.agency_id, report.period_id)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_attachment_for_user(request.user, pk)
    report = attachment.report
    try:
        services.attachment_remove(actor=request.user, attachment=attachment)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect("reports:report_edit", report.task_id, report.agency_id, report.period_id)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Only through this view, after the permission check; always as a download."""
    attachment = get_attachment_for_user(request.user, pk)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    ascii_name = f"attachment-{attachment.pk}.{attachment.file.name.rsplit('.', 1)[-1]}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_periods(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """报送周期 and who reports: the coordinators set the schedule as a rule (periods from the
    first one up to the current one), which side reports, and edit one period's dates."""
    plan = get_plan_for_user(request.user, plan_pk)
    can_edit = rules.can_coordinate_plan(request.user, plan)
    action = request.POST.get("action", "schedule")
    forms = _period_forms(request, plan, action)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = forms[action if action in forms else "schedule"]
        if form.is_valid():
            try:
                messages.success(request, _PERIOD_ACTIONS[action](request.user, plan, form))
                return redirect("reports:plan_periods", plan_pk=plan.pk)
            except ValidationError as exc:
                for message in _errors(exc):
                    form.add_error(None, message)
    editing = request.POST.get("period") or request.GET.get("edit")
    ctx = {
        "plan": plan,
        "periods": plan.periods.order_by("starts_on"),
        "can_edit": can_edit,
        "editing": int(editing) if str(editing).isdigit() else None,
        **{f"{name}_form": form for name, form in forms.items()},
    }
    return render(request, "reports/plan_periods.html", ctx, status=400 if request.POST else 200)


def _period_forms(request: HttpRequest, plan, action: str) -> dict:
    """The page's three forms, the posted one bound; the rule prefilled from the last period."""
    last = plan.periods.order_by("-starts_on").first()
    rule = {"year": plan.period_start, "cadence": last.cadence if last else "half_yearly"}
    if last is not None:
        rule["due_days_after_end"] = (last.due_on - last.ends_on).days
        rule["opens_days_before_end"] = (last.ends_on - last.opens_on).days
    editing = plan.periods.filter(pk=request.GET.get("edit") or 0).values().first() or {}
    posted = request.method == "POST"
    data = {name: request.POST if posted and action == name else None for name in _PERIOD_ACTIONS}
    return {
        "schedule": ScheduleForm(data["schedule"], initial=rule),
        "side": ReportingSideForm(
            data["side"], initial={"nipa_reports_required": plan.nipa_reports_required}
        ),
        "period": PeriodForm(data["period"], initial={**editing, "period": editing.get("id")}),
    }


def _schedule(user, plan, form) -> str:
    created, kept = periods.period_schedule_apply(actor=user, plan=plan, **form.cleaned_data)
    return _("已新增 %(n)d 个报送周期，已有的 %(kept)d 个保持不变。") % {
        "n": len(created),
        "kept": kept,
    }


def _side(user, plan, form) -> str:
    periods.plan_reporting_side_set(actor=user, plan=plan, **form.cleaned_data)
    return _("报送设置已保存。")


def _period(user, plan, form) -> str:
    data = dict(form.cleaned_data)
    period = plan.periods.filter(pk=data.pop("period")).first()
    if period is None:
        raise ValidationError(_("报送周期不存在。"))
    period = periods.period_update(actor=user, period=period, values=data)
    return _("报送周期“%(label)s”已保存。") % {"label": period.label}


_PERIOD_ACTIONS = {"schedule": _schedule, "side": _side, "period": _period}
