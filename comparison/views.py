"""The comparison pages: a topic across provinces (/compare/), the similar tasks of a task
(a fragment the task page loads), and the typical-case library (/compare/cases/) with its
典型案例汇编 downloads. Each reads through comparison/selectors.py, which applies the
visibility rules; bad input is a message, never an error page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from comparison import exports, selectors
from ops.rows import choice_labels
from tasks.lights import light_badges
from tasks.models import Status
from tasks.selectors import get_task_for_user

CASES_PAGE_SIZE = 20
EXPORTS = {"xlsx", "docx"}


def topic_error(reason: str) -> str:
    if reason == "too_long":
        return _("主题过长：请输入不超过 %(n)d 个字。") % {"n": selectors.TOPIC_MAX_CHARS}
    return _("请输入主题，例如“商标品牌”。")


def _label(rows: list[selectors.CompareRow]) -> None:
    """Each row's status label and light badge, each made once per page."""
    statuses, badges = choice_labels(Status.choices), light_badges()
    for row in rows:
        row.status_label = statuses.get(row.status, row.status)
        row.badge = badges[row.light]


@require_GET
@login_required
def compare(request: HttpRequest) -> HttpResponse:
    plans = selectors.visible_plan_count(user=request.user)
    ctx: dict[str, Any] = {"topic": "", "groups": [], "error": "", "plans": plans}
    if plans < 2:
        return render(request, "comparison/compare.html", ctx)
    corpus = selectors.visible_corpus(user=request.user)
    ctx["topics"] = selectors.topics_for(user=request.user, corpus=corpus)
    raw = request.GET.get("topic", "")
    if raw:
        ctx["topic"] = raw[: selectors.TOPIC_MAX_CHARS]
        try:
            ctx["groups"] = selectors.topic_tasks(user=request.user, topic=raw, corpus=corpus)
            _label([row for group in ctx["groups"] for row in group.rows])
        except selectors.BadTopic as exc:
            ctx["error"] = topic_error(str(exc))
        ctx["searched"] = True
        ctx["plan_count"] = len(ctx["groups"])
    return render(request, "comparison/compare.html", ctx)


@require_GET
@login_required
def similar(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    rows = selectors.similar_tasks(user=request.user, task=task)
    _label(rows)
    return render(request, "comparison/_similar.html", {"rows": rows})


class CaseFilterForm(forms.Form):
    region = forms.TypedChoiceField(label=gettext_lazy("地区"), required=False, coerce=int)
    plan = forms.TypedChoiceField(label=gettext_lazy("方案"), required=False, coerce=int)
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), required=False, coerce=int)
    q = forms.CharField(label=gettext_lazy("关键词"), required=False, max_length=50)

    def __init__(
        self,
        *args: Any,
        regions: list[tuple[int, str]],
        plans: list[tuple[int, str]],
        years: list[int],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        everything = [("", _("全部"))]
        self.fields["region"].choices = everything + regions
        self.fields["plan"].choices = everything + plans
        self.fields["year"].choices = everything + [(y, str(y)) for y in years]


def case_filters(request: HttpRequest) -> tuple[CaseFilterForm, dict[str, Any]]:
    """The filter form and the filters that apply: an invalid one is shown with its error
    and ignored, the others still filter."""
    regions, plans = selectors.case_filter_choices(user=request.user)
    form = CaseFilterForm(
        request.GET or None,
        regions=regions,
        plans=plans,
        years=selectors.case_years(user=request.user),
    )
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return form, {
        "region_id": data.get("region") or None,
        "plan_id": data.get("plan") or None,
        "year": data.get("year") or None,
        "q": data.get("q") or "",
    }


@require_GET
@login_required
def cases(request: HttpRequest) -> HttpResponse:
    form, filters = case_filters(request)
    found = selectors.typical_cases(user=request.user, **filters)
    fmt = request.GET.get("format", "")
    if fmt in EXPORTS:
        items = exports.cases_of(found)
        body, kind = (
            (
                exports.cases_xlsx(items),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            if fmt == "xlsx"
            else (
                exports.cases_docx(items),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        )
        response = HttpResponse(body, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="typical-cases.{fmt}"'
        return response
    page = Paginator(found, CASES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k in form.fields and v})
    return render(
        request,
        "comparison/cases.html",
        {"form": form, "page": page, "query": query, "bad_format": bool(fmt)},
    )
