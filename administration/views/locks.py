"""管理 → 登录锁定: the accounts of the administrator's scope that repeated failed logins have
locked (per account and address, django-axes), and their unlock. The list is scoped by
agencies.rules; an unlock fetches the user through the scoped getter (403 for
non-administrators, 404 outside their scope) and calls security.lockout."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from administration import selectors_users as selectors
from agencies import rules
from security import lockout


@login_required
@require_GET
def lock_list(request: HttpRequest) -> HttpResponse:
    selectors.require_administrator(request.user)
    ctx = {
        "locks": lockout.lockouts_active(users=rules.administered_users(request.user)),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "administration/locks.html", ctx)


@login_required
@require_POST
def lock_release(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.get_user_for_admin(request.user, pk)
    try:
        lockout.lockout_release(actor=request.user, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = user.get_username()
        messages.success(request, _("账号“%(name)s”已解锁。") % {"name": name})
    return redirect("administration:lock_list")
