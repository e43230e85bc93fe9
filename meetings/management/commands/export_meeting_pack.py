"""`export_meeting_pack --plan PLAN [--meeting ID] --formats docx,pdf,xlsx --out DIR`

Writes the meeting pack files into DIR and prints their paths, one a line. PLAN is the plan's
code or its document number (e.g. 琼府〔2022〕39号). Without --meeting: the plan's latest
meeting, or the current data when the plan has none. A frozen meeting gives the same content
every time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from meetings.models import Meeting, PackFormat
from meetings.packs.services import pack_data_for, pack_file_stem, pack_render
from plans.export_command import PlanExportCommand
from plans.models import Plan


class Command(PlanExportCommand):
    help = "Write a plan's meeting pack (DOCX, PDF, XLSX) into a folder and print the paths."
    default_formats = "docx,pdf,xlsx"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--meeting", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        formats = self.formats(options["formats"], allowed=PackFormat.values)
        plan = self.plan(options["plan"])
        meeting = _meeting(plan, options["meeting"])
        data = pack_data_for(plan=plan, meeting=meeting)
        stem = pack_file_stem(plan=plan, meeting=meeting, data=data)
        self.write(
            out=options["out"],
            formats=formats,
            name=lambda fmt: f"{stem}.{fmt}",
            render=lambda fmt: pack_render(data=data, fmt=fmt),
        )


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
