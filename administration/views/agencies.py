"""管理 → 本地区单位: the agencies in the administrator's scope, 待核实 first; an agency's page
to confirm, rename, set aliases and the robot webhook, merge, and map a collective unit; the
name-variant table. Every form is a plain POST that redirects back with a message; a refusal
renders the page again with the form's error (400) and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from administration import selectors_agencies as selectors
from administration.forms_agencies import (
    AgencyFilterForm,
    AliasForm,
    CollectiveMapForm,
    MergeForm,
    NameVariantForm,
    RenameForm,
    WebhookForm,
)
from administration.services import agencies as services
from administration.services import collectives
from agencies.models import Agency

PAGE_SIZE = 50

# --- the list ------------------------------------------------------------------------------


@login_required
@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    form = AgencyFilterForm(request.GET or None)
    form.is_valid()  # an invalid filter is shown with its error and ignored
    data = getattr(form, "cleaned_data", {})
    rows = selectors.agency_list(
        user=request.user,
        q=data.get("q") or "",
        review=data.get("review") or "",
        collective=data.get("collective") or "",
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "administration/agencies/list.html", ctx)


# --- one agency ----------------------------------------------------------------------------


@login_required
@require_GET
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.get_agency_for_admin(request.user, pk))


@login_required
@require_POST
def agency_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.get_agency_for_admin(request.user, pk)
    try:
        services.agency_confirm(actor=request.user, agency=agency)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已核实“%(name)s”。") % {"name": agency.name})
    back = request.POST.get("next", "")
    # Only a path of this site: anything else (a name, another host) goes to the agency.
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        # Confirmed from the list: back to the same filtered page. A URL, never a view name:
        # redirect() would try to resolve any other text and fail.
        return HttpResponseRedirect(back)
    return redirect("administration:agency_detail", pk=agency.pk)


@login_required
@require_POST
def agency_rename(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.get_agency_for_admin(request.user, pk)
    form = RenameForm(request.POST)
    return _act(
        request,
        agency,
        form,
        "rename_form",
        lambda d: services.agency_rename(actor=request.user, agency=agency, **d),
        _("单位名称已保存。"),
    )


@login_required
@require_POST
def agency_webhook(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.get_agency_for_admin(request.user, pk)
    return _act(
        request,
        agency,
        WebhookForm(request.POST),
        "webhook_form",
        lambda d: services.agency_set_webhook(
            actor=request.user, agency=agency, url=d["webhook_url"]
        ),
        _("机器人通知地址已保存。"),
    )


@login_required
@require_POST
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.get_agency_for_admin(request.user, pk)
    form = AliasForm(request.POST, regions=selectors.administered_regions(request.user))
    return _act(
        request,
        agency,
        form,
        "alias_form",
        lambda d: services.alias_add(actor=request.user, agency=agency, **d),
        _("别名已添加。"),
    )


@login_required
@require_POST
def alias_remove(request: HttpRequest, pk: int) -> HttpResponse:
    alias = selectors.get_alias_for_admin(request.user, pk)
    services.alias_remove(actor=request.user, alias=alias)
    messages.success(request, _("已删除别名“%(name)s”。") % {"name": alias.name})
    return redirect("administration:agency_detail", pk=alias.agency_id)


@login_required
@require_POST
def agency_merge(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.get_agency_for_admin(request.user, pk)
    candidates = selectors.merge_candidates(user=request.user, survivor=agency)
    form = MergeForm(request.POST, candidates=candidates)
    if form.is_valid():
        other = form.cleaned_data["other"]
        keep_this = form.cleaned_data["keep"] == MergeForm.KEEP_THIS
        survivor, merged = (agency, other) if keep_this else (other, agency)
        try:
            services.agency_merge(actor=request.user, survivor=survivor, other=merged)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            message = _("已将“%(other)s”合并到“%(survivor)s”。")
            messages.success(request, message % {"other": merged.name, "survivor": survivor.name})
            return redirect("administration:agency_detail", pk=survivor.pk)
    return _render_detail(request, agency, merge_form=form, status=400)


@login_required
@require_POST
def collective_mark(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.get_agency_for_admin(request.user, pk)
    mark = request.POST.get("is_collective") == "1"
    try:
        collectives.collective_mark(actor=request.user, agency=agency, is_collective=mark)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = _("已标记为集合单位。") if mark else _("已取消集合单位标记。")
        messages.success(request, done)
    return redirect("administration:agency_detail", pk=agency.pk)


@login_required
@require_POST
def collective_map(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.get_agency_for_admin(request.user, pk)
    candidates = selectors.mapping_candidates(user=request.user, collective=agency)
    form = CollectiveMapForm(request.POST, candidates=candidates)

    def call(data: dict[str, Any]) -> None:
        counts = collectives.collective_map(actor=request.user, collective=agency, **data)
        message = _("集合单位分解已保存：新增 %(added)d 条责任分工，移除 %(removed)d 条。")
        messages.info(request, message % counts)

    return _act(request, agency, form, "map_form", call, "")


def _act(
    request: HttpRequest,
    agency: Agency,
    form: Form,
    key: str,
    call: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """Run the service on the form's data: redirect back with `success`, or show the form
    with the service's refusal on its field."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if success:
                messages.success(request, success)
            return redirect("administration:agency_detail", pk=agency.pk)
    return _render_detail(request, agency, status=400, **{key: form})


def _add_errors(form: Form, exc: ValidationError) -> None:
    """A service's refusal on the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _render_detail(
    request: HttpRequest, agency: Agency, *, status: int = 200, **forms: Form
) -> HttpResponse:
    user = request.user
    candidates = selectors.mapping_candidates(user=user, collective=agency)
    members = list(agency.members.all())
    defaults = {
        "rename_form": RenameForm(initial={"name": agency.name, "short_name": agency.short_name}),
        "webhook_form": WebhookForm(initial={"webhook_url": agency.webhook_url}),
        "alias_form": AliasForm(
            regions=selectors.administered_regions(user), initial={"region": agency.region_id}
        ),
        "merge_form": MergeForm(candidates=selectors.merge_candidates(user=user, survivor=agency)),
        "map_form": CollectiveMapForm(
            candidates=candidates, initial={"members": members, "reporter": agency.reporter}
        ),
    }
    ctx = {
        **defaults,
        **forms,
        "agency": agency,
        "members": members,
        "aliases": selectors.agency_aliases(agency=agency),
        "duties": selectors.agency_duties(agency=agency),
        "member_duties": selectors.collective_member_duties(collective=agency),
        "events": selectors.agency_events(agency=agency),
    }
    return render(request, "administration/agencies/detail.html", ctx, status=status)


# --- the name-variant table ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def name_variant_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.name_variants(user=request.user)  # 403 for a non-administrator
    form = NameVariantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.name_variant_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("已添加简写“%(v)s”。") % {"v": form.cleaned_data["variant"]}
            )
            return redirect("administration:name_variant_list")
    status = 400 if form.is_bound else 200
    ctx = {"form": form, "rows": rows}
    return render(request, "administration/agencies/name_variants.html", ctx, status=status)


@login_required
@require_POST
def name_variant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.get_name_variant_for_admin(request.user, pk)
    services.name_variant_remove(actor=request.user, row=row)
    messages.success(request, _("已删除简写“%(v)s”。") % {"v": row.variant})
    return redirect("administration:name_variant_list")
