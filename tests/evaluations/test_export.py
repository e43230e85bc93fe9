"""`export_self_evaluation` on the imported Hainan plan: the DOCX, PDF and XLSX name all
twelve tasks, the PDF embeds its CJK fonts; without an evaluation the cover says draft."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from evaluations import services
from evaluations.models import EvaluationPart
from plans.importer.parse import parse_plan
from tasks.services.plan_import import plan_import
from tests.factories import MembershipFactory, UserFactory
from tests.meetings.pages import pdf_fonts, pdf_text, render_pngs, squash, titles_missing

pytestmark = pytest.mark.django_db

SOURCE = Path(settings.BASE_DIR) / "plans" / "sources" / "hainan-2022.txt"


@pytest.fixture
def hainan():
    text = SOURCE.read_text(encoding="utf-8")
    return plan_import(parsed=parse_plan(text=text), text=text, actor=None).plan


def _export(tmp_path, formats="docx,pdf,xlsx"):
    out = io.StringIO()
    call_command(
        "export_self_evaluation",
        "--plan",
        "琼府〔2022〕39号",
        "--year",
        "2026",
        "--formats",
        formats,
        "--out",
        str(tmp_path),
        stdout=out,
    )
    return [Path(line) for line in out.getvalue().splitlines()]


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for row in book.active.iter_rows() for c in row)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_draft_from_prefill_names_all_twelve_tasks(hainan, tmp_path):
    paths = _export(tmp_path)
    assert [p.suffix for p in paths] == [".docx", ".pdf", ".xlsx"]
    titles = list(hainan.tasks.values_list("title", flat=True))
    assert len(titles) == 12
    docx_text = _docx_text(paths[0])
    xlsx_text = _xlsx_text(paths[2])
    for title in titles:
        assert title in docx_text
        assert title in xlsx_text
    assert titles_missing(paths[1], titles) == []
    assert "草稿" in docx_text and "尚未发起" in docx_text
    assert "草稿" in squash(pdf_text(paths[1]))
    cjk = [f for f in pdf_fonts(paths[1]) if "CJK" in f.name or "WenKai" in f.name]
    assert cjk and all(f.embedded for f in cjk)
    pngs = render_pngs(paths[1], tmp_path / "png", dpi=50)
    assert len(pngs) >= 3 and all(p.stat().st_size > 0 for p in pngs)


def test_with_an_evaluation_scores_and_averages(hainan, tmp_path):
    user = UserFactory(username="hainan-coordinator")
    MembershipFactory(user=user, agency=hainan.lead_agency, role="coordinator")
    evaluation = services.evaluation_open(actor=user, plan=hainan, year=2026)
    part = EvaluationPart.objects.filter(evaluation=evaluation, agency=hainan.lead_agency).first()
    services.part_save(
        actor=user, part=part, version=None, completion="done", score="80", achievements="成效"
    )
    services.evaluation_assess(
        actor=user, evaluation=evaluation, assessment="总体良好。", version=None
    )
    paths = _export(tmp_path, formats="docx,xlsx")
    docx_text = _docx_text(paths[0])
    assert "总体良好。" in docx_text and "尚未冻结" in docx_text
    xlsx_text = _xlsx_text(paths[1])
    assert "80" in xlsx_text and "总平均" in xlsx_text


def test_bad_arguments(hainan, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "export_self_evaluation", "--plan", "nope", "--year", "2026", "--out", str(tmp_path)
        )
    with pytest.raises(CommandError):
        call_command(
            "export_self_evaluation",
            "--plan",
            "琼府〔2022〕39号",
            "--year",
            "2026",
            "--formats",
            "exe",
            "--out",
            str(tmp_path),
        )
