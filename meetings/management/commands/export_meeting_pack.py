"""`export_meeting_pack --plan PLAN [--meeting ID] --formats docx,pdf,xlsx --out DIR`

Writes the meeting pack files into DIR and prints their paths, one a line. PLAN is the plan's
code or its document number (e.g. 琼府〔2022〕39号). Without --meeting: the plan's latest
meeting, or the current data when the plan has none. A frozen meeting gives the same content
every time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from meetings.models import Meeting
from meetings.packs.services import pack_data_for, pack_file_stem, pack_render, parse_formats
from plans.models import Plan
from plans.selectors import plan_by_reference


class Command(BaseCommand):
    help = "Write a plan's meeting pack (DOCX, PDF, XLSX) into a folder and print the paths."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="plan code or document number")
        parser.add_argument("--meeting", type=int, default=None)
        parser.add_argument("--formats", default="docx,pdf,xlsx")
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            formats = parse_formats(options["formats"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        plan = _plan(options["plan"])
        meeting = _meeting(plan, options["meeting"])
        data = pack_data_for(plan=plan, meeting=meeting)
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        stem = pack_file_stem(plan=plan, meeting=meeting, data=data)
        for fmt in formats:
            path = out / f"{stem}.{fmt}"
            # Written beside and renamed: a reader never sees half a file.
            partial = path.with_suffix(f".{fmt}.partial")
            partial.write_bytes(pack_render(data=data, fmt=fmt))
            partial.replace(path)
            self.stdout.write(str(path))


def _plan(value: str) -> Plan:
    plan = plan_by_reference(reference=value)
    if plan is None:
        raise CommandError(_("找不到方案:%(value)s(请用方案代码或文号)") % {"value": value})
    return plan


def _meeting(plan: Plan, pk: int | None) -> Meeting | None:
    meetings = Meeting.objects.filter(committee__plan=plan)
    if pk is None:
        return meetings.order_by("-held_on", "-pk").first()
    meeting = meetings.filter(pk=pk).first()
    if meeting is None:
        raise CommandError(
            _("方案 %(plan)s 没有编号为 %(id)s 的会议。") % {"plan": plan.code, "id": pk}
        )
    return meeting
