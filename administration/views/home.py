"""The administrator's landing page: what waits for them, and where each task lives."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies import rules


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not rules.can_administer(request.user):
        raise PermissionDenied
    agencies = rules.administered_agencies(request.user)
    ctx = {
        "agencies_total": agencies.count(),
        "agencies_to_review": agencies.filter(needs_review=True).count(),
        "users_total": rules.administered_users(request.user).count(),
    }
    return render(request, "administration/home.html", ctx)
