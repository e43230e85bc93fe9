"""督办 in the reminder digest (settings.REMINDER_ITEM_SOURCES): one item per recipient agency
that owes the next move (签收 or 反馈), at its step:

`supervision:<notice>:<agency>:` then
- `issued`: a new notice not yet 签收 (once);
- `before_N`: the deadline is N days away (the steps of settings.REMINDER_DAYS_BEFORE);
- `due`: the deadline is today;
- `overdue:<date>`: past the deadline, every day, with the plan's coordinators told too;
- with `:urge:<date>` added: 催办 by the coordinator on that date (listed by the next digest).

One item per recipient agency a day; its key is stable for a day and a step, so a re-run
lists nothing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.digest import DigestItem, link_to
from supervision.models import OWED_BY_AGENCY, NoticeRecipient, RecipientState

# An urge waits this many days at most for a digest to list it.
URGE_WINDOW_DAYS = 7


def _step(recipient: NoticeRecipient, as_of: dt.date) -> tuple[str, bool] | None:
    """(step name, escalate) of the deadline reminder due on `as_of`, or None."""
    deadline = recipient.notice.deadline
    if as_of > deadline:
        return f"overdue:{as_of.isoformat()}", True
    if as_of == deadline:
        return "due", False
    left = (deadline - as_of).days
    reached = [d for d in getattr(settings, "REMINDER_DAYS_BEFORE", [7, 1]) if d >= left]
    if reached:
        return f"before_{min(reached)}", False
    if recipient.state == RecipientState.ISSUED:
        return "issued", False
    return None


def supervision_items(*, as_of: dt.date) -> Iterator[DigestItem]:
    rows = (
        NoticeRecipient.objects.filter(state__in=OWED_BY_AGENCY, notice__issued_at__date__lte=as_of)
        .select_related("agency", "notice__task", "notice__work_item__task", "notice__report__task")
        .order_by("notice_id", "order")
    )
    for recipient in rows.iterator(chunk_size=2000):
        notice = recipient.notice
        title = _("%(number)s（%(level)s）：%(subject)s") % {
            "number": notice.number_label,
            "level": notice.get_level_display(),
            "subject": notice.subject[:60],
        }
        base = {
            "kind": "supervision",
            "plan_id": notice.plan_id,
            "agency_id": recipient.agency_id,
            "title": title,
            "link": link_to("supervision:notice_detail", notice.pk),
            "due_on": notice.deadline,
        }
        parts = [f"supervision:{notice.pk}:{recipient.agency_id}"]
        step = _step(recipient, as_of)
        if step is not None:
            parts.append(step[0])
        urged = timezone.localdate(recipient.urged_at) if recipient.urged_at else None
        if urged and as_of - dt.timedelta(days=URGE_WINDOW_DAYS) <= urged <= as_of:
            parts.append(f"urge:{urged.isoformat()}")
        if len(parts) > 1:
            escalate = step is not None and step[1]
            yield DigestItem(key=":".join(parts), escalate=escalate, **base)
