"""督办 pages: issue a 督办单 on a task, work item or report; a notice's page with the step
forms each user may use; its DOCX/PDF; the plan's 督办台账; the agency's list."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies import rules
from plans.selectors import get_plan_for_user
from supervision import documents, ledger, selectors, services
from supervision.forms import IssueForm, LedgerFilterForm, NoteForm, ReasonForm, RespondForm
from supervision.models import NoticeRecipient, RecipientState


def _add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_http_methods(["GET", "POST"])
def notice_issue(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = selectors.get_target_for_user(request.user, kind, pk)
    agencies = selectors.target_candidate_agencies(target)
    form = IssueForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_issue(
                actor=request.user,
                target=target,
                agency_ids=[a.pk for a in data["agencies"]],
                subject=data["subject"],
                reason=data["reason"],
                deadline=data["deadline"],
                level=data["level"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("督办单已交办。"))
            return redirect("supervision:notice_detail", pk=notice.pk)
    status = 400 if request.method == "POST" else 200
    ctx = {"target": target, "task": selectors.target_task(target), "form": form}
    return render(request, "supervision/notice_issue.html", ctx, status=status)


@login_required
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_notice_for_user(request.user, pk)
    ctx = {
        "notice": notice,
        "recipients": selectors.notice_recipients(user=request.user, notice=notice),
        "steps": selectors.notice_steps(notice=notice),
        "can_coordinate": rules.can_coordinate_plan(request.user, notice.plan),
        "states": RecipientState,
        "respond_form": RespondForm(),
        "reason_form": ReasonForm(),
        "note_form": NoteForm(),
    }
    return render(request, "supervision/notice_detail.html", ctx)


# Each step: (the form it reads, the service with that form's data, the message when done).
_Step = tuple[type[Form], Callable[..., object], str]


def _steps() -> dict[str, _Step]:
    return {
        "acknowledge": (
            NoteForm,
            lambda user, row, data: services.notice_acknowledge(actor=user, recipient=row),
            _("已签收。"),
        ),
        "respond": (
            RespondForm,
            lambda user, row, data: services.notice_respond(
                actor=user, recipient=row, text=data["text"], upload=data["evidence"]
            ),
            _("已反馈。"),
        ),
        "close": (
            NoteForm,
            lambda user, row, data: services.notice_close(
                actor=user, recipient=row, note=data["note"]
            ),
            _("已办结。"),
        ),
        "send_back": (
            ReasonForm,
            lambda user, row, data: services.notice_send_back(
                actor=user, recipient=row, reason=data["reason"]
            ),
            _("已退回。"),
        ),
        "urge": (
            NoteForm,
            lambda user, row, data: services.notice_urge(
                actor=user, recipient=row, note=data["note"]
            ),
            _("已催办，将列入承办单位下一次提醒。"),
        ),
    }


@login_required
@require_POST
def recipient_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """签收, 反馈, 办结, 退回 or 催办 for one recipient agency; back to the notice's page."""
    recipient: NoticeRecipient = selectors.get_recipient_for_user(request.user, pk)
    step = _steps().get(action)
    if step is None:
        raise Http404
    form_class, run, done = step
    form = form_class(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(_("请检查填写的内容。"))
        run(request.user, recipient, form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"{recipient.agency.name}：{message}")
    else:
        messages.success(request, f"{recipient.agency.name}：{done}")
    return redirect("supervision:notice_detail", pk=recipient.notice_id)


@login_required
@require_GET
def notice_print(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The one-page 督办单 as DOCX or PDF."""
    if fmt not in ("docx", "pdf"):
        raise Http404
    notice = selectors.get_notice_for_user(request.user, pk)
    sheet = documents.notice_sheet(notice)
    if fmt == "pdf":
        body, content_type = documents.render_pdf(sheet), "application/pdf"
    else:
        body = documents.render_docx(sheet)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(body, content_type=content_type)
    name = f"{sheet.title}{sheet.number}.{fmt}"
    response["Content-Disposition"] = (
        f'attachment; filename="supervision-{notice.year}-{notice.number}.{fmt}"; '
        f"filename*=UTF-8''{quote(name)}"
    )
    return response


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    step = selectors.get_evidence_for_user(request.user, pk)
    response = FileResponse(step.evidence.open("rb"), content_type=step.evidence_type)
    extension = step.evidence.name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-{step.pk}.{extension}"; '
        f"filename*=UTF-8''{quote(step.evidence_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def plan_ledger(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """督办台账: the plan's coordinators (and NIPA viewers) read it; others get 403."""
    plan = get_plan_for_user(request.user, plan_pk)
    if not (rules.can_coordinate_plan(request.user, plan) or rules.reads_everything(request.user)):
        raise PermissionDenied
    form = LedgerFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.plan_ledger(
        plan=plan, state=data.get("state", ""), level=data.get("level", "")
    )
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(ledger.ledger_xlsx(rows), content_type=ledger.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="supervision-{plan.pk}.xlsx"'
        return response
    ctx = {"plan": plan, "form": form, "headers": ledger.ledger_headers()}
    ctx["rows"] = [(row, ledger.ledger_row(row)) for row in rows]
    return render(request, "supervision/ledger.html", ctx)


@login_required
@require_GET
def agency_inbox(request: HttpRequest) -> HttpResponse:
    """The notices to the user's agency: open ones, or all with ?all=1."""
    rows = selectors.agency_inbox(user=request.user, open_only=request.GET.get("all") != "1")
    ctx = {"rows": [(row, selectors.is_overdue(row)) for row in rows]}
    return render(request, "supervision/inbox.html", ctx)
