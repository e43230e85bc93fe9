from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agencies.rules import memberships_of, visible_plans


@login_required
def home(request: HttpRequest) -> HttpResponse:
    plans = visible_plans(request.user).select_related("region").order_by("region__name")
    ctx = {"memberships": memberships_of(request.user), "plans": plans}
    return render(request, "home.html", ctx)
