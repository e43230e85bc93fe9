"""Rebuild the search index, of every plan or of one (after bulk loads, which send no signals)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from plans.selectors import plan_by_reference
from search.indexing import reindex


class Command(BaseCommand):
    help = "Rebuild the search index (all plans, or --plan CODE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="the plan's code or document number")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        plan = None
        if options["plan"]:
            code = options["plan"]
            plan = plan_by_reference(reference=code)
            if plan is None:
                raise CommandError(_("没有代码或文号为 %(code)s 的方案。") % {"code": code})
        started = time.perf_counter()
        counts = reindex(plan=plan, batch_size=options["batch_size"])
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{kind} {count}" for kind, count in counts.items())
        self.stdout.write(f"search_reindex: {summary} ({elapsed:.1f} s)")
