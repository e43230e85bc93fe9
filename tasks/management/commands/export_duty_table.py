"""`export_duty_table --plan PLAN --formats xlsx,docx --out DIR`

Writes the plan's 责任分工表 into DIR and prints the paths, one a line. PLAN is the plan's
code or its document number (e.g. 琼府〔2022〕39号), as export_meeting_pack takes it.
"""

from __future__ import annotations

from typing import Any

from plans.export_command import PlanExportCommand
from tasks.duty_table import (
    FILE_FORMATS,
    duty_table_file_name,
    duty_table_gather,
    duty_table_render,
)


class Command(PlanExportCommand):
    help = "Write a plan's 责任分工表 (XLSX, DOCX) into a folder and print the paths."
    default_formats = "xlsx,docx"

    def handle(self, *args: Any, **options: Any) -> None:
        formats = self.formats(options["formats"], allowed=FILE_FORMATS)
        plan = self.plan(options["plan"])
        data = duty_table_gather(plan=plan)
        self.write(
            out=options["out"],
            formats=formats,
            name=lambda fmt: duty_table_file_name(plan=plan, fmt=fmt),
            render=lambda fmt: duty_table_render(data=data, fmt=fmt),
        )
