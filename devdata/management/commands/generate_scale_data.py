"""`python manage.py generate_scale_data [--seed N]`: national-scale data for benchmarks.

31 provincial and 300 city plans, ~22 tasks each with ~8 agencies, quarterly periods over five
years, ~1,000,000 progress reports, ~3,000 agencies, 10,000 users and their events. The same
seed gives the same data. Refused where demo data is not allowed (production).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from devdata.scale import Scale, scale_data_exists, scale_data_generate


class Command(BaseCommand):
    help = "Generate deterministic national-scale data (for benchmarks; never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        # Smaller worlds for tests: the same shapes, fewer of them.
        parser.add_argument("--provinces", type=int, default=31)
        parser.add_argument("--cities", type=int, default=300)
        parser.add_argument("--users", type=int, default=10_000)

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_ALLOWED", False):
            raise CommandError(_("此环境不允许生成测试数据(settings.DEMO_ALLOWED)。"))
        if scale_data_exists():
            raise CommandError(_("规模测试数据已存在;请换一个空数据库。"))
        scale = Scale(
            provinces=options["provinces"], cities=options["cities"], users=options["users"]
        )
        started = time.monotonic()
        counts = scale_data_generate(seed=options["seed"], scale=scale)
        self.stdout.write(
            f"plans={counts.plans} tasks={counts.tasks} agencies={counts.agencies} "
            f"users={counts.users} reports={counts.reports} events={counts.events} "
            f"seconds={time.monotonic() - started:.1f}"
        )
