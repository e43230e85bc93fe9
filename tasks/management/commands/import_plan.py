"""python manage.py import_plan PATH [--region R] [--title T] [--doc-number N]
[--issued-on YYYY-MM-DD] [--dry-run] [--json]

Other tools call this command: keep its arguments and its JSON shape.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from plans.importer.decode import DocumentError, decode_document
from plans.importer.limits import Limits, check_upload
from plans.importer.parse import parse_plan
from plans.services import PlanImportError, plan_preview
from tasks.services.plan_import import plan_import


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--issued-on 需为 YYYY-MM-DD / must be YYYY-MM-DD: {value}") from exc


def _database_ready() -> None:
    """Refuse, in one line, a database that cannot be reached or has not been migrated."""
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CommandError(f"无法连接数据库 / cannot reach the database: {reason}") from exc
    if not executor.loader.applied_migrations:
        raise CommandError(
            "数据库尚未初始化，请先运行 python manage.py migrate。 / the database is not "
            "initialised: run python manage.py migrate first."
        )
    if pending:
        raise CommandError(
            "数据库尚未迁移到最新版本，请先运行 python manage.py migrate。 / the database has "
            "unapplied migrations: run python manage.py migrate first."
        )


class Command(BaseCommand):
    help = "Import an official plan document (.txt in UTF-8 or GB18030, or .docx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--region")
        parser.add_argument("--title")
        parser.add_argument("--doc-number")
        parser.add_argument("--issued-on", type=_date)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        limits = Limits.from_settings(settings)
        try:
            check_upload(path.stat().st_size, limits)  # never read a file over the limit
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 / cannot read {path}: {exc.strerror}") from exc
        except DocumentError as exc:
            raise CommandError(str(exc)) from exc
        try:
            text = decode_document(data=data, filename=path.name, limits=limits)
            parsed = parse_plan(
                text=text,
                title=options["title"],
                region=options["region"],
                doc_number=options["doc_number"],
                issued_on=options["issued_on"],
                limits=limits,
            )
        except DocumentError as exc:
            raise CommandError(str(exc)) from exc
        _database_ready()  # the document is read first: its errors need no database
        if options["dry_run"]:
            preview = plan_preview(parsed=parsed, text=text)
            self._report(preview.to_json_dict(), options["json"], preview.changes)
            return
        try:
            outcome = plan_import(parsed=parsed, text=text, actor=None)
        except PlanImportError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            payload = {
                "plan": outcome.plan.code,
                "created": outcome.created,
                "changed": outcome.changed,
                "changes": outcome.changes,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        elif not outcome.changed:
            self.stdout.write(f"未改变 / unchanged: {outcome.plan.title} ({outcome.plan.code})")
        else:
            verb = "已导入 / imported" if outcome.created else "已修订 / revised"
            self.stdout.write(f"{verb}: {outcome.plan.title} ({outcome.plan.code})")
            for change in outcome.changes:
                self.stdout.write(f"  - {change}")

    def _report(self, data: dict, as_json: bool, changes: list[str]) -> None:
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"{data['title']} {data['doc_number'] or ''} {data['issued_on'] or ''}")
        self.stdout.write(f"  sections: {len(data['sections'])}, tasks: {len(data['tasks'])}")
        for task in data["tasks"]:
            names = "、".join(f"{r['agency']}({r['role']})" for r in task["responsibilities"])
            self.stdout.write(f"  {task['label']}{task['title']} — {names}")
        for warning in data["warnings"]:
            self.stdout.write(f"  ! {warning}")
        for change in changes:
            self.stdout.write(f"  ~ {change}")
