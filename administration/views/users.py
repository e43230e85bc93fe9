"""管理 → 用户与角色: the administrator's pages for the users of their scope, their roles,
passwords and API tokens, and the import of users from an Excel sheet.

Every view fetches through a scoped getter (403 for non-administrators, 404 outside their
scope) and calls one service. Temporary passwords and token values are rendered once, in the
response to the POST that made them, and never stored or cached."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from administration import selectors_users as selectors
from administration.forms_users import (
    AgencyRoleForm,
    TokenIssueForm,
    UserCreateForm,
    UserEditForm,
    UserImportForm,
    UserSearchForm,
)
from administration.services import user_import as importer
from administration.services import users as services

T = "administration/users/"


def add_errors(form: Form, exc: ValidationError) -> None:
    """A service's refusal onto the form: on its field when the form has one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def shown_once(request: HttpRequest, template: str, ctx: dict[str, Any]) -> HttpResponse:
    """A page with a secret on it: never cached, by us or by the browser."""
    response = render(request, T + template, ctx)
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    selectors.require_administrator(request.user)
    form = UserSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    ctx = {"form": form, "users": selectors.user_list_for_admin(actor=request.user, q=q)}
    return render(request, T + "list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    selectors.require_administrator(request.user)
    agencies = selectors.agencies_for_admin(actor=request.user)
    form = UserCreateForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return shown_once(request, "password.html", {"target": user, "password": password})
    status = 400 if form.errors else 200
    return render(request, T + "create.html", {"form": form}, status=status)


@login_required
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.get_user_for_admin(request.user, pk)
    return _render_detail(request, user)


def _render_detail(
    request: HttpRequest, user: Any, *, status: int = 200, **forms: Form
) -> HttpResponse:
    agencies = selectors.agencies_for_admin(actor=request.user)
    ctx = {
        "target": user,
        "phone": selectors.phone_of(user),
        "tokens": selectors.tokens_of(user=user),
        "membership_form": forms.get("membership_form") or AgencyRoleForm(agencies=agencies),
        "token_form": forms.get("token_form") or TokenIssueForm(),
        "is_self": user.pk == request.user.pk,
    }
    return render(request, T + "detail.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.get_user_for_admin(request.user, pk)
    initial = {
        "full_name": user.first_name,
        "email": user.email,
        "phone": selectors.phone_of(user),
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("用户信息已保存。"))
            return redirect("administration:user_detail", pk=user.pk)
    status = 400 if form.errors else 200
    return render(request, T + "edit.html", {"form": form, "target": user}, status=status)


def _set_active(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    user = selectors.get_user_for_admin(request.user, pk)
    try:
        services.user_set_active(actor=request.user, user=user, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = _("账号已启用。") if active else _("账号已停用：其会话和访问令牌即刻失效。")
        messages.success(request, done)
    return redirect("administration:user_detail", pk=user.pk)


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=False)


@login_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=True)


@login_required
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.get_user_for_admin(request.user, pk)
    password = services.user_password_reset(actor=request.user, user=user)
    return shown_once(request, "password.html", {"target": user, "password": password})


@login_required
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.get_user_for_admin(request.user, pk)
    agencies = selectors.agencies_for_admin(actor=request.user)
    form = AgencyRoleForm(request.POST, agencies=agencies)
    if form.is_valid():
        try:
            services.membership_add(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("角色已添加。"))
            return redirect("administration:user_detail", pk=user.pk)
    return _render_detail(request, user, status=400, membership_form=form)


@login_required
@require_POST
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    user = selectors.get_user_for_admin(request.user, pk)
    membership = selectors.get_membership_for_admin(request.user, user, membership_pk)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("角色已删除。"))
    return redirect("administration:user_detail", pk=user.pk)


@login_required
@require_POST
def token_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.get_user_for_admin(request.user, pk)
    form = TokenIssueForm(request.POST)
    if form.is_valid():
        try:
            token, value = services.api_token_issue(
                actor=request.user, user=user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return shown_once(
                request, "token.html", {"target": user, "token": token, "value": value}
            )
    return _render_detail(request, user, status=400, token_form=form)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    user = selectors.get_user_for_admin(request.user, pk)
    token = selectors.get_token_for_admin(user, token_pk)
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("令牌已吊销，即刻失效。"))
    return redirect("administration:user_detail", pk=user.pk)


# --- 从 Excel 导入用户 -----------------------------------------------------------------------

IMPORT_MAX_AGE = 60 * 60  # a preview may be confirmed within the hour
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import_salt(request: HttpRequest) -> str:
    """The previewed rows travel signed, for the administrator who previewed them only."""
    return f"administration.user_import:{request.user.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def user_import(request: HttpRequest) -> HttpResponse:
    """从 Excel 导入用户: upload → preview of every row → confirm (all rows or none)."""
    selectors.require_administrator(request.user)
    if request.POST.get("action") == "confirm":
        return _import_confirm(request)
    form = UserImportForm(request.POST or None, request.FILES or None)
    if request.method == "GET" or not form.is_valid():
        status = 400 if form.errors else 200
        return render(request, T + "import.html", {"form": form}, status=status)
    try:
        rows = importer.sheet_read(data=form.cleaned_data["sheet"].read())
    except importer.SheetError as exc:
        form.add_error("sheet", str(exc))
        return render(request, T + "import.html", {"form": form}, status=400)
    rows = importer.user_import_check(actor=request.user, rows=rows)
    payload = signing.dumps([r.raw() for r in rows], salt=_import_salt(request), compress=True)
    return _import_preview(request, rows, payload=payload)


def _import_preview(
    request: HttpRequest, rows: list[Any], *, payload: str = "", status: int = 200
) -> HttpResponse:
    ctx = {"rows": rows, "bad": importer.bad_rows(rows), "payload": payload}
    return render(request, T + "import_preview.html", ctx, status=status)


def _import_confirm(request: HttpRequest) -> HttpResponse:
    try:
        raw = signing.loads(
            request.POST.get("rows", ""), salt=_import_salt(request), max_age=IMPORT_MAX_AGE
        )
    except signing.BadSignature:
        messages.error(request, _("预览已过期或无效，请重新上传文件。"))
        return redirect("administration:user_import")
    try:
        created = importer.user_import(actor=request.user, rows=importer.rows_from_raw(raw))
    except importer.ImportRejected as exc:
        messages.error(request, str(exc))
        return _import_preview(request, exc.rows, status=400)
    return shown_once(request, "import_done.html", {"created": created})


@login_required
@require_GET
def user_import_template(request: HttpRequest) -> HttpResponse:
    """The sheet to fill in, with one example row naming an agency of the scope."""
    selectors.require_administrator(request.user)
    agency = selectors.agencies_for_admin(actor=request.user).first()
    data = importer.user_import_template(example_agency=agency.name if agency else _("某某单位"))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="users-template.xlsx"'
    return response
