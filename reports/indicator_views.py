"""指标 pages of a plan: the indicators with their values by year; the coordinator edits
baseline and target and reviews the values; a responsible agency enters an actual value."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies import rules
from plans.selectors import get_plan_for_user
from reports import indicators as services
from reports.forms import IndicatorForm, IndicatorReviewForm, IndicatorValueForm


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
def plan_indicators(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_pk)
    ctx = {
        "plan": plan,
        "indicators": services.plan_indicators(plan=plan),
        "can_coordinate": rules.can_coordinate_plan(request.user, plan),
        "can_enter": services.value_agencies(user=request.user, plan=plan).exists(),
    }
    return render(request, "reports/indicators.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Baseline and target, by the plan's coordinator."""
    indicator = services.get_indicator_for_user(request.user, pk)
    if not rules.can_coordinate_plan(request.user, indicator.plan):
        raise PermissionDenied
    initial = {k: getattr(indicator, k) for k in services.TARGET_FIELDS}
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(
                actor=request.user, indicator=indicator, values=form.cleaned_data
            )
            messages.success(request, _("指标已保存。"))
            return redirect("reports:plan_indicators", plan_pk=indicator.plan_id)
        except ValidationError as exc:
            _add_errors(form, exc)
    status = 400 if request.method == "POST" else 200
    ctx = {"indicator": indicator, "form": form}
    return render(request, "reports/indicator_edit.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_value_new(request: HttpRequest, pk: int) -> HttpResponse:
    """An actual value for a year, with its source and evidence, by a responsible agency."""
    indicator = services.get_indicator_for_user(request.user, pk)
    agencies = services.value_agencies(user=request.user, plan=indicator.plan)
    if not agencies.exists():
        raise PermissionDenied
    form = IndicatorValueForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_value_submit(
                actor=request.user, indicator=indicator, **form.cleaned_data
            )
            messages.success(request, _("实际值已提交，等待方案协调员确认。"))
            return redirect("reports:plan_indicators", plan_pk=indicator.plan_id)
        except ValidationError as exc:
            _add_errors(form, exc)
    status = 400 if request.method == "POST" else 200
    ctx = {"indicator": indicator, "form": form}
    return render(request, "reports/indicator_value_form.html", ctx, status=status)


@login_required
@require_POST
def indicator_value_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, or return with a reason: the coordinator's actions."""
    value = services.get_indicator_value_for_user(request.user, pk)
    if not rules.can_coordinate_plan(request.user, value.indicator.plan):
        raise PermissionDenied
    form = IndicatorReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择审核操作。"))
        data = form.cleaned_data
        if data["action"] == "accept":
            services.indicator_value_accept(
                actor=request.user, value=value, expected_value=data["value"]
            )
            messages.success(request, _("实际值已确认。"))
        else:
            services.indicator_value_return(
                actor=request.user, value=value, reason=data["reason"], expected_value=data["value"]
            )
            messages.success(request, _("实际值已退回。"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("reports:plan_indicators", plan_pk=value.indicator.plan_id)


@login_required
def indicator_value_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file, only after the permission check, always as a download."""
    value = services.get_indicator_value_for_user(request.user, pk)
    if not value.evidence:
        raise Http404
    extension = value.evidence.name.rsplit(".", 1)[-1]
    response = FileResponse(value.evidence.open("rb"), as_attachment=True)
    name = f"{value.indicator.name}-{value.year}.{extension}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"indicator-{value.pk}.{extension}\"; filename*=UTF-8''{quote(name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
