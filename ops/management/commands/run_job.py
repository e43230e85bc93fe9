"""`python manage.py run_job NAME [--as-of YYYY-MM-DD]`: run a job now, print one JSON object.

Other tools call this and read its stdout, e.g.
`{"job": "reminders", "as_of": "2026-03-02", "sent": 12, "skipped": 40}`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ops.models import Outcome
from ops.runner import job_names, job_run


class Command(BaseCommand):
    help = "Run a background job synchronously and print its counts as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=job_names())
        parser.add_argument("--as-of", dest="as_of", type=_date, default=None)

    def handle(self, *args: Any, name: str, as_of: dt.date | None, **options: Any) -> None:
        result = job_run(name=name, as_of=as_of)
        if result.outcome == Outcome.LOCKED:
            raise CommandError(_("任务 %(job)s 正在另一处运行,本次未执行。") % {"job": name})
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("日期格式应为 YYYY-MM-DD:%(value)s") % {"value": value}) from exc
