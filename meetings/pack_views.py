"""A meeting pack's progress (polled by htmx while the job runs) and its files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies import rules
from meetings.models import MeetingPack, PackFormat
from plans.models import Plan

CONTENT_TYPES = {
    PackFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    PackFormat.PDF: "application/pdf",
    PackFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def get_pack_for_user(user: rules.User, pk: int) -> MeetingPack:
    pack = (
        MeetingPack.objects.filter(pk=pk, plan__in=Plan.objects.visible_to(user))
        .defer("data")
        .first()
    )
    if pack is None:
        raise rules.NotVisible
    return pack


@login_required
@require_GET
def pack_status(request: HttpRequest, pk: int) -> HttpResponse:
    pack = get_pack_for_user(request.user, pk)
    return render(request, "meetings/_pack.html", {"pack": pack})


@login_required
@require_GET
def pack_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    pack = get_pack_for_user(request.user, pk)
    if fmt not in PackFormat.values or not getattr(pack, fmt):
        raise Http404
    stored = getattr(pack, fmt)
    response = FileResponse(stored.open("rb"), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stored.name.rsplit("/", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
