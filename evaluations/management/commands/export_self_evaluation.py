"""`export_self_evaluation --plan PLAN --year YYYY --formats docx,pdf,xlsx --out DIR`

Writes the plan's 年度自评报告 (DOCX, PDF) and score table (XLSX) for the year into DIR and
prints their paths, one a line. PLAN is the plan's code or document number, found as
`export_meeting_pack` finds it. Without an evaluation for that year the documents are
written from the pre-fill, and their cover says they are a draft.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from evaluations.exports.services import FORMATS, export_file_stem, export_render
from evaluations.selectors import document_data, evaluation_for_export
from plans.export_command import PlanExportCommand


class Command(PlanExportCommand):
    help = "Write a plan's annual self-evaluation (DOCX, PDF, XLSX) into a folder."
    default_formats = "docx,pdf,xlsx"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        formats = self.formats(options["formats"], allowed=FORMATS)
        year: int = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError(_("年度无效：%(year)s") % {"year": year})
        plan = self.plan(options["plan"])
        evaluation = evaluation_for_export(plan=plan, year=year)
        data = document_data(plan=plan, year=year, evaluation=evaluation)
        stem = export_file_stem(data=data)
        self.write(
            out=options["out"],
            formats=formats,
            name=lambda fmt: f"{stem}.{fmt}",
            render=lambda fmt: export_render(data=data, fmt=fmt),
        )
