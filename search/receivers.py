"""Keeping the index current on single saves and deletes.

The search app sits above plans, tasks, reports and meetings in the layers, so those apps
cannot call it: search listens to their post_save/post_delete signals instead. The write
runs after the commit (`on_commit`): the user's transaction is not slowed down or aborted
by indexing, and a rolled-back save leaves no row behind. Bulk writes (`bulk_create`,
`QuerySet.update`, COPY in the scale generator) send no signals: `manage.py
search_reindex` rebuilds after them.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from agencies.models import Agency
from meetings.models import Decision
from plans.models import Plan
from reports.models import ProgressReport
from search import indexing
from search.models import Kind
from search.segment import add_words
from tasks.models import Task, WorkItem

KIND_OF: dict[type, str] = {
    Plan: Kind.PLAN,
    Task: Kind.TASK,
    WorkItem: Kind.WORK_ITEM,
    Decision: Kind.DECISION,
    ProgressReport: Kind.REPORT,
}


def _saved(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: the fixture's rows, indexed by a rebuild
        return
    kind = KIND_OF[sender]
    transaction.on_commit(partial(indexing.index_object, kind=kind, pk=instance.pk))
    if sender is Plan:
        transaction.on_commit(partial(indexing.plan_region_changed, plan_id=instance.pk))
    if sender is WorkItem:
        # A decision's entry shows its work item's status.
        decision_id = Decision.objects.filter(work_item_id=instance.pk).values_list("pk", flat=True)
        transaction.on_commit(partial(_reindex_decisions, ids=decision_id))


def _reindex_decisions(*, ids: Any) -> None:
    for pk in list(ids):
        indexing.index_object(kind=Kind.DECISION, pk=pk)


def _deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    kind = KIND_OF[sender]
    transaction.on_commit(partial(indexing.remove_object, kind=kind, pk=instance.pk))


def _agency_saved(sender: type, instance: Agency, raw: bool = False, **kwargs: Any) -> None:
    # A new agency's name is one word from now on in this process; other processes learn
    # it when they start (the dictionary is loaded once per process).
    add_words([name for name in (instance.name, instance.short_name) if name])


def connect() -> None:
    for model in KIND_OF:
        post_save.connect(_saved, sender=model, dispatch_uid=f"search_saved_{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search_deleted_{model.__name__}")
    post_save.connect(_agency_saved, sender=Agency, dispatch_uid="search_agency_saved")
