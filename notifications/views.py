"""The bell: the list of one's notifications, open one (marks it read), mark all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notifications.selectors import notifications_for
from notifications.services import notification_mark_read

PAGE_SIZE = 30


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = notifications_for(user=request.user)
    if request.GET.get("unread") == "1":
        items = items.filter(read_at__isnull=True)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "only_unread": request.GET.get("unread") == "1"},
    )


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go where it points; only one's own notifications are found."""
    notification = get_object_or_404(notifications_for(user=request.user), pk=pk)
    notification_mark_read(user=request.user, notification_id=notification.pk)
    safe = url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(notification.link if notification.link and safe else "notifications:list")


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_read(user=request.user)
    messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
    return redirect("notifications:list")
