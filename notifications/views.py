"""The bell: the list of one's notifications, open one (marks it read), mark all read; a
reminder digest's page (今日待办); a plan's reminder settings (its coordinators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies import rules
from notifications.forms import ReminderSettingsForm
from notifications.plan_settings import FIELDS, reminder_settings_for, reminder_settings_set
from notifications.selectors import digest_entries, digests_for, notifications_for
from notifications.services import notification_mark_read
from plans.selectors import get_plan_for_user

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


@require_GET
@login_required
def digest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """今日待办: the items of one of one's digests, by plan, each with its link."""
    digest = get_object_or_404(digests_for(user=request.user), pk=pk)
    return render(
        request,
        "notifications/digest.html",
        {"digest": digest, "entries": digest_entries(digest=digest)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_reminder_settings(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """提醒设置: the hour a plan's digests go out and who overdue items escalate to."""
    plan = get_plan_for_user(request.user, plan_pk)
    if not rules.can_coordinate_plan(request.user, plan):
        raise PermissionDenied
    current = reminder_settings_for(plan=plan)
    initial = {name: getattr(current, name) for name in FIELDS}
    form = ReminderSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reminder_settings_set(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, _("提醒设置已保存。"))
            return redirect("notifications:plan_settings", plan_pk=plan.pk)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "notifications/plan_settings.html", {"plan": plan, "form": form}, status=status
    )
