"""Writing to the append-only timeline. Every state change calls this inside its transaction,
with the actor passed explicitly (never taken from a thread-local)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from plans.models import Plan
from tasks.models import Event


def event_record(
    *,
    actor: AbstractBaseUser | None,
    kind: str,
    plan: Plan,
    task: Any = None,
    work_item: Any = None,
    report: Any = None,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    return Event.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        plan=plan,
        task=task,
        work_item=work_item,
        report=report,
        from_value=from_value,
        to_value=to_value,
        reason=reason,
        data=data or {},
    )
