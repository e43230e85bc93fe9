from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from plans.selectors import plan_list_for_user


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    ctx = {"plans": plan_list_for_user(user=request.user)}
    return render(request, "plans/plan_list.html", ctx)
