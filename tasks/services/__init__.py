"""Writes for tasks: statuses, comments, work items (工作要点) and extension requests (延期申请).

Every function checks the actor's permission through agencies.rules, validates its input
(django ValidationError with Chinese messages, keyed by the form field they belong to),
runs in one transaction and records an event with the actor. Stale saves raise Conflict.
"""

from ops.concurrency import Conflict
from tasks.services.extensions import extension_agency_ids, extension_decide, extension_request
from tasks.services.status import task_comment, task_set_status
from tasks.services.work_items import (
    work_item_close,
    work_item_create,
    work_item_set_status,
    work_item_update,
)

__all__ = [
    "Conflict",
    "extension_agency_ids",
    "extension_decide",
    "extension_request",
    "task_comment",
    "task_set_status",
    "work_item_close",
    "work_item_create",
    "work_item_set_status",
    "work_item_update",
]
