"""Meeting-pack timings: the 30-task plan of the scale data and a 90-task plan, each part
(gather, DOCX, PDF, XLSX) and the whole pack (gather + DOCX + PDF + XLSX one after the other,
as one worker process would), and the two PDF engines side by side on the same data. Each
figure is the median of 3 runs, each in a fresh process (a worker's first pack: fonts not yet
loaded, nothing memoised).

Run with `make bench`. Data goes into the bench database (`ipplan_bench`): a small scale
data set (two provinces, no cities) whose first plan has the bench's 30 tasks, and a 90-task
plan made from it (its sections, tasks, responsibilities, periods and reports three times).
Rows are added to bench/results.json with "suite": "packs".
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = os.environ.get(
    "PACKS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ipplan_bench"
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from devdata.scale import SCALE_PREFIX, Scale, scale_data_exists, scale_data_generate  # noqa: E402
from meetings.packs.docx import render_docx  # noqa: E402
from meetings.packs.pdf import render_pdf_weasyprint  # noqa: E402
from meetings.packs.services import RENDERERS, pack_data_for  # noqa: E402
from meetings.packs.typst_pdf import render_pdf_typst  # noqa: E402
from meetings.packs.xlsx import render_xlsx  # noqa: E402
from plans.models import Plan, Section  # noqa: E402
from reports.models import ProgressReport, ReportingPeriod  # noqa: E402
from tasks.models import Responsibility, Task  # noqa: E402

REPEAT = 3
SMALL = Scale(provinces=2, cities=0, users=60)
PLAN_90 = f"{SCALE_PREFIX}pack-90"


def plan_30() -> Plan:
    call_command("migrate", verbosity=0)
    if not scale_data_exists():
        scale_data_generate(seed=1, scale=SMALL)
    return Plan.objects.filter(code__startswith=SCALE_PREFIX).order_by("code").first()


@transaction.atomic
def plan_90(source: Plan) -> Plan:
    """The 30-task plan three times over, as one plan of 90 tasks."""
    existing = Plan.objects.filter(code=PLAN_90).first()
    if existing is not None:
        return existing
    sections = list(Section.objects.filter(plan=source).order_by("order"))
    count = Task.objects.filter(plan=source).count()
    periods = list(ReportingPeriod.objects.filter(plan=source).order_by("starts_on"))
    responsibilities = list(Responsibility.objects.filter(task__plan=source))
    reports = list(ProgressReport.objects.filter(task__plan=source))
    plan = Plan.objects.get(pk=source.pk)
    plan.pk, plan.code, plan.title = None, PLAN_90, source.title + "(90项任务)"
    plan.source_text = plan.title
    plan.source_sha256 = hashlib.sha256(plan.title.encode()).hexdigest()
    plan.save()
    section_map, task_map, period_map = {}, {}, {}
    for section in sections:
        old = section.pk
        section.pk, section.plan = None, plan
        section.save()
        section_map[old] = section.pk
    for period in periods:
        old = period.pk
        period.pk, period.plan = None, plan
        period.save()
        period_map[old] = period.pk
    for copy in range(3):
        # fresh rows each time: saving a copy gives the object the copy's id
        for task in Task.objects.filter(plan=source).order_by("number"):
            old, number = task.pk, task.number
            task.pk, task.plan = None, plan
            task.section_id = section_map.get(task.section_id)
            task.number = copy * count + number
            task.label = f"{task.number}."
            task.save()
            task_map[(copy, old)] = task.pk
    copies = []
    for copy in range(3):
        for resp in responsibilities:
            resp_copy = Responsibility(
                **{f.attname: getattr(resp, f.attname) for f in resp._meta.concrete_fields}
            )
            resp_copy.pk, resp_copy.task_id = None, task_map[(copy, resp.task_id)]
            copies.append(resp_copy)
    Responsibility.objects.bulk_create(copies, batch_size=5000)
    report_copies = []
    for copy in range(3):
        for report in reports:
            fields = {f.attname: getattr(report, f.attname) for f in report._meta.concrete_fields}
            new = ProgressReport(**fields)
            new.pk = None
            new.task_id = task_map[(copy, report.task_id)]
            new.period_id = period_map[report.period_id]
            report_copies.append(new)
    ProgressReport.objects.bulk_create(report_copies, batch_size=5000)
    return plan


PARTS = {
    "docx": render_docx,
    "pdf": render_pdf_typst,
    "pdf_weasyprint": render_pdf_weasyprint,
    "xlsx": render_xlsx,
}


def child(code: str, part: str) -> None:
    """One timing in a process of its own: Typst memoises layout within a process, so a
    second render of the same pack in one process would be ~4× quicker than a worker's
    first. Prints the seconds (and the pages for the PDFs)."""
    plan = Plan.objects.get(code=code)
    started = time.perf_counter()
    data = pack_data_for(plan=plan)
    if part == "gather":
        print(json.dumps({"seconds": time.perf_counter() - started}))
        return
    if part == "whole":
        for render in RENDERERS.values():
            render(data)
        print(json.dumps({"seconds": time.perf_counter() - started}))
        return
    started = time.perf_counter()
    out = PARTS[part](data)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "pages": pages(out) if "pdf" in part else None}))


def timed_part(code: str, part: str) -> tuple[float, int | None]:
    runs = []
    for _ in range(REPEAT):
        done = subprocess.run(  # noqa: S603 - this script, with our own arguments
            [sys.executable, __file__, "--child", code, part],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return round(statistics.median(r["seconds"] for r in runs), 2), runs[-1].get("pages")


def measure(plan: Plan, tasks: int) -> list[dict[str, Any]]:
    figures = {part: timed_part(plan.code, part) for part in ("gather", *PARTS, "whole")}
    return [
        {"name": f"meeting pack ({tasks}-task plan)", "whole_seconds": figures["whole"][0],
         "gather_seconds": figures["gather"][0], "docx_seconds": figures["docx"][0],
         "pdf_seconds": figures["pdf"][0], "xlsx_seconds": figures["xlsx"][0]},
        {"name": f"PDF engines ({tasks}-task plan)", "typst_seconds": figures["pdf"][0],
         "typst_pages": figures["pdf"][1], "weasyprint_seconds": figures["pdf_weasyprint"][0],
         "weasyprint_pages": figures["pdf_weasyprint"][1]},
    ]  # fmt: skip


def pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
        return
    plan = plan_30()
    results = measure(plan, 30) + measure(plan_90(plan), 90)
    out = ROOT / "bench" / "results.json"
    existing = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    kept = [r for r in existing if r.get("suite") != "packs"]
    rows = kept + [{"suite": "packs", **r} for r in results]
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for row in results:
        figures = {k: v for k, v in row.items() if k != "name"}
        print(f"{row['name']:<30} " + "  ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
