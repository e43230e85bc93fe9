"""`export_self_evaluation --plan PLAN --year YYYY --formats docx,pdf,xlsx --out DIR`

Writes the plan's 年度自评报告 (DOCX, PDF) and score table (XLSX) for the year into DIR and
prints their paths, one a line. PLAN is the plan's code or document number, found as
`export_meeting_pack` finds it. Without an evaluation for that year the documents are
written from the pre-fill, and their cover says they are a draft.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from evaluations.exports.services import export_file_stem, export_render, parse_formats
from evaluations.selectors import document_data, evaluation_for_export
from plans.selectors import plan_by_reference


class Command(BaseCommand):
    help = "Write a plan's annual self-evaluation (DOCX, PDF, XLSX) into a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="plan code or document number")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--formats", default="docx,pdf,xlsx")
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            formats = parse_formats(options["formats"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        year: int = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError(_("年度无效：%(year)s") % {"year": year})
        plan = plan_by_reference(reference=options["plan"])
        if plan is None:
            raise CommandError(
                _("找不到方案:%(value)s(请用方案代码或文号)") % {"value": options["plan"]}
            )
        evaluation = evaluation_for_export(plan=plan, year=year)
        data = document_data(plan=plan, year=year, evaluation=evaluation)
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        stem = export_file_stem(data=data)
        for fmt in formats:
            path = out / f"{stem}.{fmt}"
            # Written beside and renamed: a reader never sees half a file.
            partial = path.with_suffix(f".{fmt}.partial")
            partial.write_bytes(export_render(data=data, fmt=fmt))
            partial.replace(path)
            self.stdout.write(str(path))
