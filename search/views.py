"""The search page: /search/?q=…, results grouped by kind, with filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search.forms import SearchForm
from search.selectors import SearchResult, filter_choices, search_for


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, choices=filter_choices(user=request.user))
    form.is_valid()  # an unknown filter value is shown with its error and ignored
    data = getattr(form, "cleaned_data", {})
    result: SearchResult | None = None
    errors: list[str] = []
    status = 200
    if request.GET.get("q", "").strip():
        try:
            result = search_for(
                user=request.user,
                q=request.GET.get("q"),
                kind=data.get("kind") or None,
                plan=data.get("plan"),
                region=data.get("region"),
                status=data.get("status") or None,
            )
        except ValidationError as exc:
            errors = [str(message) for message in exc.messages]
            status = 400
    return render(
        request,
        "search/search.html",
        {"form": form, "result": result, "errors": errors, "query": request.GET.get("q", "")},
        status=status,
    )
