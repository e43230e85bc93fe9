"""Writing to the append-only timeline. Every state change calls this inside its transaction,
with the actor passed explicitly (never taken from a thread-local)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from ops.outbox import outbox_enqueue
from plans.models import Plan
from tasks.models import Event, EventKind

# Events someone should hear about (routed in notifications.events): each one puts a message
# in the outbox within the same transaction, so it is sent once the change commits.
NOTIFIED_KINDS = frozenset(
    {EventKind.REPORT_STATE_CHANGED, EventKind.EXTENSION_REQUESTED, EventKind.EXTENSION_DECIDED}
)


def event_record(
    *,
    actor: AbstractBaseUser | None,
    kind: str,
    plan: Plan | None = None,
    task: Any = None,
    work_item: Any = None,
    report: Any = None,
    agency: Any = None,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    event = Event.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        plan=plan,
        task=task,
        work_item=work_item,
        report=report,
        agency=agency,
        from_value=from_value[:200],
        to_value=to_value[:200],
        reason=reason,
        data=data or {},
    )
    if kind in NOTIFIED_KINDS:
        outbox_enqueue(task_name="notifications.event_notify", kwargs={"event_id": event.pk})
    return event
