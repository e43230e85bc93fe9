"""The meeting pack's printed pages, checked as a committee secretary would look at them:
every task title there, each page of the task tables starting with the header row, the task
tables on landscape pages, nothing printed outside the GB/T 9704 text area, page numbers, the
fonts inside the file, and the DOCX opening in LibreOffice with about as many pages.

Two packs: the small `world` plan (no accepted reports: the pack says what is missing) and a
30-task plan like the bench's, with long co-responsible lists on both sides, long report
texts, a 300-character title, a task without agencies and an agency name outside GB2312.
They are built once for the module; the page images go to test-results/pack-pages/.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from meetings.packs import labels
from meetings.packs.services import pack_data_for, pack_render
from reports.models import ReportState
from tasks.models import ResponsibilityRole, Status
from tests.factories import (
    AgencyFactory,
    NipaAgencyFactory,
    PeriodFactory,
    PlanFactory,
    RegionFactory,
    ReportFactory,
    ResponsibilityFactory,
    SectionFactory,
    TaskFactory,
)
from tests.meetings import pages
from tests.world import build_world

PAGES_DIR = Path(
    os.environ.get("PACK_PAGES_DIR", Path(settings.BASE_DIR) / "test-results" / "pack-pages")
)
PACKS = ["world", "plan30", "tall"]
# Our PDF, and the DOCX as LibreOffice prints it: a secretary opens either.
SOURCES = ["pdf", "docx"]
# The packs are gathered once for the module (see `packs`); the mark sets the test database up.
pytestmark = pytest.mark.django_db

NIPA_DEPTS = ["办公室", "条法司", "战略规划司", "知识产权保护司", "知识产权运用促进司",
              "公共服务司", "国际合作司", "人事司"]  # fmt: skip
LOCAL = ["省委编办", "省发展改革委", "省科技厅", "省工业和信息化厅", "省财政厅", "省商务厅",
         "省农业农村厅", "省市场监督管理局", "省版权局", "省高级人民法院", "海口海关",
         "省公安厅", "省司法厅", "省教育厅"]  # fmt: skip
VERBS = ["加强", "完善", "推进", "深化", "健全", "强化", "优化", "提升", "培育", "建设"]
OBJECTS = [
    "知识产权快速协同保护体系", "专利转化运用专项行动", "商标品牌培育指导站网络",
    "知识产权公共服务平台", "海外知识产权纠纷应对指导", "高价值发明专利培育中心",
    "地理标志产品保护示范区", "知识产权行政执法协作机制", "知识产权人才队伍",
    "自由贸易港知识产权国际合作", "知识产权质押融资风险补偿", "数据知识产权登记试点",
    "种业知识产权保护", "知识产权信用监管", "重点产业专利导航", "知识产权服务业集聚区",
    "中小企业知识产权托管", "知识产权纠纷多元化解", "展会知识产权保护", "知识产权宣传教育",
    "知识产权统计监测", "专利开放许可", "传统文化知识产权保护", "知识产权运营基金",
    "知识产权鉴定机构建设", "知识产权维权援助分中心", "商业秘密保护指导", "植物新品种保护",
    "知识产权证券化试点", "知识产权强县建设",
]  # fmt: skip
PHRASES = [
    "围绕知识产权强省建设目标", "制定年度工作方案并分解任务", "召开专题推进会研究部署",
    "完善工作机制", "组织开展专项行动", "加强部门协同配合", "建立月调度季通报制度",
    "累计办理案件一百二十件", "培育示范企业三十家", "各项工作按计划推进", "取得阶段性成效",
]  # fmt: skip
LONG_TITLE = ("加快构建海南自由贸易港知识产权全链条保护体系，" * 13)[:300]


@dataclass
class Pack:
    name: str
    data: dict[str, Any]
    pdf: Path
    docx: Path
    pages: list[pages.Page]
    # The DOCX as LibreOffice prints it, made the first time a test asks.
    _office: tuple[Path, list[pages.Page]] | None = None

    @property
    def tasks(self) -> list[dict[str, Any]]:
        return [t for s in self.data["sections"] for t in s["tasks"]]

    def office(self) -> tuple[Path, list[pages.Page]]:
        if self._office is None:
            pdf = pages.docx_to_pdf(self.docx, self.docx.parent / "office")
            pages.render_pngs(pdf, PAGES_DIR / f"{self.name}-docx")
            self._office = (pdf, pages.pdf_pages(pdf))
        return self._office

    def printed(self, source: str) -> tuple[Path, list[pages.Page]]:
        """The pages a reader sees: our PDF, or the DOCX opened in LibreOffice."""
        return (self.pdf, self.pages) if source == "pdf" else self.office()


def _text(rng: random.Random, low: int, high: int) -> str:
    target, parts = rng.randint(low, high), []
    while sum(len(p) + 1 for p in parts) < target:
        parts.append(rng.choice(PHRASES))
    return "，".join(parts) + "。"


def build_plan30() -> Any:
    """A provincial plan of 30 tasks in four sections, as the bench's: leads on both sides,
    5–8 NIPA departments and 6–12 provincial agencies as co per task, this year's accepted
    reports from two agencies each with progress, problems and next steps."""
    rng = random.Random(21)  # noqa: S311 - reproducible test data  # nosec B311
    today = timezone.localdate()
    hainan = RegionFactory(name="海南省")
    office = AgencyFactory(name="海南省知识产权局", region=hainan)
    nipa = [NipaAgencyFactory(name=f"国家知识产权局{d}") for d in NIPA_DEPTS]
    local = [AgencyFactory(name=f"海南{n}" if n.startswith("省") else n, region=hainan)
             for n in LOCAL]  # fmt: skip
    # 堃 and 昇 are outside GB2312: the fonts must still have them.
    local.append(AgencyFactory(name="海南省堃昇知识产权运营中心", region=hainan))
    plan = PlanFactory(
        region=hainan, lead_agency=office, doc_number="琼府〔2022〕39号",
        title="海南省知识产权强省建设实施方案",
    )  # fmt: skip
    sections = [
        SectionFactory(plan=plan, label=f"（{n}）", title=title, order=k)
        for k, (n, title) in enumerate(
            zip("一二三四", ["共同打造保护高地", "共同推动运用转化", "共同优化公共服务",
                            "共同深化开放合作"], strict=True)
        )
    ]  # fmt: skip
    period = PeriodFactory(
        plan=plan, label=f"{today.year}年上半年", starts_on=dt.date(today.year, 1, 1),
        ends_on=dt.date(today.year, 6, 30), opens_on=dt.date(today.year, 6, 1),
        due_on=dt.date(today.year, 7, 15),
    )  # fmt: skip
    statuses = [Status.ON_TRACK] * 4 + [Status.BEHIND, Status.AT_RISK, Status.COMPLETED,
                                         Status.ONGOING, Status.NOT_STARTED]  # fmt: skip
    for number in range(1, 31):
        title = LONG_TITLE if number == 7 else VERBS[number % 10] + OBJECTS[number - 1]
        task = TaskFactory(
            plan=plan, number=number, title=title, section=sections[(number - 1) * 4 // 30],
            status=rng.choice(statuses), non_exhaustive=number % 9 == 0,
            due_on=dt.date(today.year - (number % 5 == 0), 12, 31),
        )  # fmt: skip
        if number == 13:
            continue  # a task the plan names no agency for
        chosen = [
            (nipa[number % len(nipa)], ResponsibilityRole.LEAD),
            (office, ResponsibilityRole.LEAD),
            *((a, ResponsibilityRole.CO) for a in rng.sample(nipa, rng.randint(5, 8))
              if a is not nipa[number % len(nipa)]),
            *((a, ResponsibilityRole.CO) for a in rng.sample(local, rng.randint(6, 12))),
        ]  # fmt: skip
        for order, (agency, role) in enumerate(chosen):
            ResponsibilityFactory(task=task, agency=agency, role=role, order=order)
        for agency in (office, chosen[-1][0]):
            ReportFactory(
                task=task, agency=agency, period=period, state=ReportState.ACCEPTED,
                progress=_text(rng, 80, 260), problems=_text(rng, 20, 90),
                next_steps=_text(rng, 40, 140),
            )  # fmt: skip
    return plan


def _render(name: str, data: dict[str, Any], folder: Path) -> Pack:
    folder.mkdir(parents=True, exist_ok=True)
    pdf, docx = folder / f"{name}.pdf", folder / f"{name}.docx"
    pdf.write_bytes(pack_render(data=data, fmt="pdf"))
    docx.write_bytes(pack_render(data=data, fmt="docx"))
    pages.render_pngs(pdf, PAGES_DIR / f"{name}-pdf")
    return Pack(name, data, pdf, docx, pages.pdf_pages(pdf))


@pytest.fixture(scope="module")
def packs(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Pack]]:
    """Both packs, gathered in a transaction rolled back at once and rendered once."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        gathered = {
            "world": pack_data_for(plan=world.plan_a),
            "plan30": pack_data_for(plan=build_plan30()),
        }
        gathered["tall"] = _tall_rows(gathered["world"])
        transaction.set_rollback(True)
    folder = tmp_path_factory.mktemp("packs")
    yield {name: _render(name, data, folder) for name, data in gathered.items()}


def _tall_rows(data: dict) -> dict:
    """The world's pack with two tall rows of short lines (no wrapping in either format): 14
    and 24 lines, so each fits on a page of its own but not both on one. The second must
    start on a new page rather than break (seen on Hainan's plan)."""
    tall = copy.deepcopy(data)
    tasks = [t for section in tall["sections"] for t in section["tasks"]]
    for task, lines in zip(tasks, (14, 24), strict=True):
        task["progress"] = "\n".join(f"第{i}厅:已召开推进会。" for i in range(1, lines + 1))
    return tall


def _row_texts(pack: Pack) -> list[str]:
    texts = []
    for task in pack.tasks:
        texts += [task["title"], f"{task['label']}{task['title']}", task.get("lead_summary", ""),
                  task.get("co_summary", ""), task["progress"], task["problems"],
                  task["next_steps"], labels.status_label(task["status"]),
                  *task["lead"], *task["co"]]  # fmt: skip
        for side in task.get("sides", []):
            texts += [side["side"], *side["lead"], *side["co"]]
    return texts


def _table_pages(pack: Pack, source: str = "pdf") -> list[pages.TablePage]:
    return pages.task_table_pages(
        pack.printed(source)[1],
        heading=labels.section_headings()["tasks"],
        headers=labels.task_headers(),
        row_texts=_row_texts(pack),
        titles=[t["title"] for t in pack.tasks],
    )


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("name", PACKS)
def test_every_task_title_is_printed(packs, name, source) -> None:
    pack = packs[name]
    assert len(pack.tasks) == (30 if name == "plan30" else 2)
    pdf = pack.printed(source)[0]
    assert pages.titles_missing(pdf, [t["title"] for t in pack.tasks]) == []


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("name", PACKS)
def test_every_page_of_the_task_tables_starts_with_the_header_row(packs, name, source) -> None:
    table_pages = _table_pages(packs[name], source)
    assert table_pages, "no page holds task rows"
    without = [
        (tp.page.number, tp.first_row_text)
        for tp in table_pages
        if tp.header_top is None or tp.header_top >= tp.first_row_top
    ]
    assert without == [], f"pages whose first task row comes before any header row: {without}"


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("name", PACKS)
def test_no_task_row_runs_onto_a_page_without_its_title(packs, name, source) -> None:
    continued = [
        (tp.page.number, tp.first_row_text)
        for tp in _table_pages(packs[name], source)
        if not tp.row_begins
    ]
    assert continued == [], (
        f"pages starting with the rest of a row from the page before: {continued}"
    )


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("name", PACKS)
def test_the_task_tables_are_on_landscape_pages(packs, name, source) -> None:
    table_pages = _table_pages(packs[name], source)
    portrait = [tp.page.number for tp in table_pages if not tp.page.landscape]
    assert portrait == [], f"task rows on portrait pages {portrait}"


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("name", PACKS)
def test_nothing_is_printed_outside_the_text_area(packs, name, source) -> None:
    outside = {
        page.number: [
            f"{w.text}@({w.x0:.0f},{w.y0:.0f})-({w.x1:.0f},{w.y1:.0f})"
            for w in pages.words_outside_text_area(page)
        ][:5]
        for page in packs[name].printed(source)[1]
    }
    outside = {n: words for n, words in outside.items() if words}
    assert outside == {}, f"words outside the GB/T 9704 text area (page: words): {outside}"


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("name", PACKS)
def test_pages_after_the_cover_are_numbered_in_order(packs, name, source) -> None:
    numbers = pages.page_numbers(packs[name].printed(source)[1])
    printed = [numbers[n] for n in sorted(numbers)][1:]
    assert None not in printed, f"pages without a “— N —” number: {numbers}"
    assert printed == list(range(printed[0], printed[0] + len(printed))), numbers


@pytest.mark.parametrize("name", PACKS)
def test_every_font_is_embedded(packs, name) -> None:
    fonts = pages.pdf_fonts(packs[name].pdf)
    assert fonts, "the PDF names no font"
    assert [f.name for f in fonts if not f.embedded] == []


@pytest.mark.parametrize("name", PACKS)
def test_every_page_is_saved_as_an_image(packs, name) -> None:
    images = sorted((PAGES_DIR / f"{name}-pdf").glob("page-*.png"))
    assert len(images) == len(packs[name].pages) > 1
    assert all(image.stat().st_size > 500 for image in images)


@pytest.mark.parametrize("name", PACKS)
def test_the_docx_opens_in_libreoffice_with_about_the_pdfs_page_count(packs, name) -> None:
    pack = packs[name]
    office_pdf, office_pages = pack.office()
    ours, theirs = len(pack.pages), pages.page_count(office_pdf)
    assert theirs == len(office_pages)
    # ±10 %, and at least one page either way for a short pack.
    assert abs(theirs - ours) <= max(1, ours * 0.1), f"DOCX {theirs} pages, PDF {ours} pages"


def test_the_pack_of_a_plan_with_no_reports_says_what_is_missing(packs) -> None:
    missing = packs["world"].data.get("missing") or []
    assert missing, "the world plan has no accepted report: the data should say so"
    text = pages.squash(pages.pdf_text(packs["world"].pdf))
    assert [note for note in missing if pages.squash(note) not in text] == []


def test_an_agency_name_outside_gb2312_is_printed(packs) -> None:
    text = pages.squash(pages.pdf_text(packs["plan30"].pdf))
    assert "堃昇" in text
    assert "国家知识产权局" in text
