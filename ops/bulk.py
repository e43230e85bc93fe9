"""Insert many rows at COPY speed, skipping those whose unique key already exists.

`bulk_create(ignore_conflicts=True)` builds a model instance per row and binds every value
in Python; a reminders pass writes a few hundred thousand rows, and that dominated it. Here
rows are plain dicts streamed by COPY into a temporary table, then moved with one
INSERT … SELECT … ON CONFLICT DO NOTHING. (SQLite, the embedded demo, takes bulk_create.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from ops.page_cache import TRACKED_APPS, data_changed


def bulk_insert_new(*, model: type[models.Model], rows: Iterable[dict[str, Any]]) -> None:
    """Insert `rows` (attribute name → value; missing fields take their default) unless a
    row with the same unique key exists."""
    rows = list(rows)
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**row) for row in rows], ignore_conflicts=True, batch_size=500
        )
        if model._meta.app_label in TRACKED_APPS:
            data_changed()  # bulk_create sends no signal
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
        else f.get_default()
        for f in fields
    }  # fmt: skip
    table = model._meta.db_table
    incoming = f"incoming_{table}"
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {incoming} ON COMMIT DROP AS"  # noqa: S608 - names from the model  # nosec B608
            f" SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY {incoming} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {incoming}"  # noqa: S608 - table and column names from the model  # nosec B608
            " ON CONFLICT DO NOTHING"
        )
        # Dropped now, not only at commit: the caller's transaction may insert again.
        cursor.execute(f"DROP TABLE {incoming}")
    if model._meta.app_label in TRACKED_APPS:
        data_changed()  # COPY sends no signal
