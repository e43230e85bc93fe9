"""Meeting pages: a plan's meetings, and one meeting with its freeze, pack, decisions and
work points. Views parse the form, fetch through one permission-scoped getter, call a service,
and redirect back with a message."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies import rules
from agencies.models import Agency
from meetings import services
from meetings.forms import DecisionForm, MeetingForm, PackForm, WorkPointsForm
from meetings.models import Meeting, MeetingPack
from meetings.packs.services import pack_request
from meetings.selectors import (
    get_meeting_for_user,
    meeting_decisions,
    meetings_of,
    previous_meeting,
)
from plans.models import Plan
from plans.selectors import get_plan_for_user
from tasks.models import Task


def _plan_agencies(plan: Plan):
    return Agency.objects.filter(responsibilities__task__plan=plan).distinct().order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_pk)
    can_manage = rules.can_manage_meetings(request.user, plan)
    form = MeetingForm(request.POST or None, agencies=_plan_agencies(plan))
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    actor=request.user,
                    plan=plan,
                    title=data["title"],
                    held_on=data["held_on"],
                    place=data["place"],
                    agenda=data["agenda"],
                    attendee_ids=[a.pk for a in data["attendees"]],
                )
                return redirect("meetings:meeting_detail", pk=meeting.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
    return render(
        request,
        "meetings/meeting_list.html",
        {"plan": plan, "meetings": meetings_of(plan=plan), "form": form, "can_manage": can_manage},
    )


def _forms(plan: Plan, data: object = None) -> dict[str, Form]:
    tasks = Task.objects.filter(plan=plan).order_by("number")
    return {
        "decision_form": DecisionForm(data, tasks=tasks, agencies=_plan_agencies(plan)),
        "points_form": WorkPointsForm(data),
        "pack_form": PackForm(data),
    }


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    return _detail(request, meeting, _forms(meeting.committee.plan))


def _detail(request: HttpRequest, meeting: Meeting, forms: dict[str, Form]) -> HttpResponse:
    plan = meeting.committee.plan
    previous = previous_meeting(meeting=meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "plan": plan,
            "meeting": meeting,
            "attendees": meeting.attendees.order_by("name"),
            "agenda": [line for line in meeting.agenda.splitlines() if line.strip()],
            "decisions": meeting_decisions(meeting=meeting),
            "previous": previous,
            "previous_decisions": meeting_decisions(meeting=previous) if previous else [],
            "packs": MeetingPack.objects.filter(meeting=meeting).defer("data")[:10],
            "can_manage": rules.can_manage_meetings(request.user, plan),
            **forms,
        },
    )


def _post(
    request: HttpRequest, pk: int, form_key: str, act: Callable[[Meeting, dict], str]
) -> HttpResponse:
    """Validate one of the meeting page's forms and run its service; on a problem the page
    is shown again with the form as the user filled it and the error beside it."""
    meeting = get_meeting_for_user(request.user, pk, write=True)
    forms = _forms(meeting.committee.plan, request.POST)
    form = forms[form_key]
    if form.is_valid():
        try:
            messages.success(request, act(meeting, form.cleaned_data))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    forms = {**_forms(meeting.committee.plan), form_key: form}
    return _detail(request, meeting, forms)


@login_required
@require_POST
def meeting_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    try:
        rows = services.meeting_freeze(actor=request.user, meeting=meeting)
        messages.success(request, _("已冻结本次会议数据(%(rows)d 条统计)。") % {"rows": rows})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    def act(meeting: Meeting, data: dict) -> str:
        services.decision_record(
            actor=request.user,
            meeting=meeting,
            text=data["text"],
            task=data["task"],
            agency_ids=[a.pk for a in data["agencies"]],
            due_on=data["due_on"],
        )
        return _("已记录议定事项,并生成工作要点。")

    return _post(request, pk, "decision_form", act)


@login_required
@require_POST
def work_points_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    def act(meeting: Meeting, data: dict) -> str:
        items = services.work_points_adopt(actor=request.user, meeting=meeting, text=data["text"])
        return _("已通过 %(n)d 项年度工作要点。") % {"n": len(items)}

    return _post(request, pk, "points_form", act)


@login_required
@require_POST
def pack_create(request: HttpRequest, pk: int) -> HttpResponse:
    def act(meeting: Meeting, data: dict) -> str:
        pack_request(
            actor=request.user,
            plan=meeting.committee.plan,
            meeting=meeting,
            formats=data["formats"],
        )
        return _("会议材料正在生成,完成后可在下方下载。")

    return _post(request, pk, "pack_form", act)
