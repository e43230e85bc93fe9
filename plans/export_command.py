"""What every command-line export of a plan shares (export_meeting_pack, export_duty_table,
export_self_evaluation): `--plan` by code or document number (琼府〔2022〕39号), `--formats`,
`--out`, the same messages for a bad plan or format, and each file written beside and renamed
so that a reader never sees half a file, its path printed one a line."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ops.formats import formats_parse
from plans.models import Plan
from plans.selectors import plan_by_reference


class PlanExportCommand(BaseCommand):
    default_formats = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="plan code or document number")
        parser.add_argument("--formats", default=self.default_formats)
        parser.add_argument("--out", required=True, type=Path)

    @staticmethod
    def plan(reference: str) -> Plan:
        plan = plan_by_reference(reference=reference)
        if plan is None:
            raise CommandError(_("找不到方案:%(value)s(请用方案代码或文号)") % {"value": reference})
        return plan

    @staticmethod
    def formats(value: str, *, allowed: Iterable[str]) -> list[str]:
        try:
            return formats_parse(value, allowed=allowed)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def write(
        self,
        *,
        out: Path,
        formats: list[str],
        name: Callable[[str], str],
        render: Callable[[str], bytes],
    ) -> None:
        """Each format's file `out / name(fmt)`, its bytes from `render(fmt)`."""
        out.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = out / name(fmt)
            partial = path.with_suffix(f".{fmt}.partial")
            partial.write_bytes(render(fmt))
            partial.replace(path)
            self.stdout.write(str(path))
