"""`export_duty_table --plan PLAN --formats xlsx,docx --out DIR`

Writes the plan's 责任分工表 into DIR and prints the paths, one a line. PLAN is the plan's
code or its document number (e.g. 琼府〔2022〕39号), as export_meeting_pack takes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from plans.selectors import plan_by_reference
from tasks.duty_table import (
    duty_table_file_name,
    duty_table_gather,
    duty_table_parse_formats,
    duty_table_render,
)


class Command(BaseCommand):
    help = "Write a plan's 责任分工表 (XLSX, DOCX) into a folder and print the paths."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="plan code or document number")
        parser.add_argument("--formats", default="xlsx,docx")
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            formats = duty_table_parse_formats(options["formats"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        plan = plan_by_reference(reference=options["plan"])
        if plan is None:
            raise CommandError(
                _("找不到方案:%(value)s(请用方案代码或文号)") % {"value": options["plan"]}
            )
        data = duty_table_gather(plan=plan)
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = out / duty_table_file_name(plan=plan, fmt=fmt)
            # Written beside and renamed: a reader never sees half a file.
            partial = path.with_suffix(f".{fmt}.partial")
            partial.write_bytes(duty_table_render(data=data, fmt=fmt))
            partial.replace(path)
            self.stdout.write(str(path))
