"""A numbered item that names responsible units is a task whichever heading it sits under;
collective units (各市县, …各成员单位) are marked in the parse result."""

from __future__ import annotations

from pathlib import Path

import pytest

from plans.importer.decode import decode_document
from plans.importer.parse import parse_plan

SOURCES = Path(__file__).resolve().parents[2] / "plans" / "sources"

WITH_TASKS_IN_GUARANTEES = """某省知识产权强省建设实施方案
一、重点任务
1.加强保护。建立机制。（省知识产权局负责）
2.促进运用。推动转化。（省科技厅牵头，省教育厅配合）
二、保障措施
（一）加强组织保障。
1.建立联席会议制度。定期会商。（省知识产权局牵头，联席会议各成员单位按职责分工负责）
2.压实工作责任。（各市县政府负责）
（二）强化资金保障。安排专项经费。
（三）注重宣传引导。加强宣传。（省委宣传部、省知识产权局负责）
某省人民政府
2024年1月5日
"""


def test_numbered_items_with_units_under_a_guarantee_heading_are_tasks() -> None:
    plan = parse_plan(text=WITH_TASKS_IN_GUARANTEES, region="海南省")
    assert [(t.number, t.label, t.section, t.title) for t in plan.tasks] == [
        (1, "1.", "一、", "加强保护"),
        (2, "2.", "一、", "促进运用"),
        (3, "1.", "(一)", "建立联席会议制度"),
        (4, "2.", "(一)", "压实工作责任"),
        (5, "(三)", "二、", "注重宣传引导"),
    ]
    assert [(r.name, r.role) for r in plan.tasks[2].responsibilities] == [
        ("海南省知识产权局", "lead"),
        ("联席会议各成员单位", "co"),
    ]
    assert [(s.label, s.title, s.parent, s.kind) for s in plan.sections] == [
        ("一、", "重点任务", None, "tasks"),
        ("二、", "保障措施", None, "guarantee"),
        ("(一)", "加强组织保障", "二、", "tasks"),
    ]
    # Paragraphs without numbered items and responsible units stay guarantee measures.
    assert [(g.label, g.title, g.body) for g in plan.guarantee_measures] == [
        ("(二)", "强化资金保障", "安排专项经费。")
    ]
    assert plan.warnings == []


def test_a_guarantee_part_without_units_stays_measures() -> None:
    text = WITH_TASKS_IN_GUARANTEES.replace(
        "（省知识产权局牵头，联席会议各成员单位按职责分工负责）", ""
    )
    text = text.replace("（各市县政府负责）", "").replace("（省委宣传部、省知识产权局负责）", "")
    plan = parse_plan(text=text, region="海南省")
    assert [t.title for t in plan.tasks] == ["加强保护", "促进运用"]
    assert [g.title for g in plan.guarantee_measures] == [
        "加强组织保障",
        "强化资金保障",
        "注重宣传引导",
    ]


@pytest.mark.parametrize(
    ("name", "count", "measures"),
    [("hainan-2022.txt", 12, 4), ("hunan-2022.txt", 12, 4), ("weihai-2021.txt", 14, 3)],
)
def test_the_seed_plans_import_as_before(name: str, count: int, measures: int) -> None:
    text = decode_document(data=(SOURCES / name).read_bytes(), filename=name)
    plan = parse_plan(text=text)
    assert len(plan.tasks) == count
    assert len(plan.guarantee_measures) == measures


def _collectives(name: str) -> set[str]:
    text = decode_document(data=(SOURCES / name).read_bytes(), filename=name)
    plan = parse_plan(text=text)
    return {r.written for t in plan.tasks for r in t.responsibilities if r.collective}


def test_collective_units_are_marked() -> None:
    assert _collectives("hainan-2022.txt") >= {"各市县", "各市县政府"}
    assert any(n.endswith("各成员单位") for n in _collectives("hainan-2022.txt"))
    hunan = _collectives("hunan-2022.txt")
    assert "湖南省知识产权协调工作联席会议各成员单位" in hunan
    assert "各有关市州人民政府" in hunan
    assert _collectives("weihai-2021.txt") == {"威海市知识产权战略实施工作专项小组成员"}


@pytest.mark.parametrize(
    ("written", "collective"),
    [
        ("各市县", True),
        ("各市（州）人民政府", True),
        ("各有关单位", True),
        ("省直有关部门", True),
        ("市县政府", True),
        ("省知识产权局", False),
        ("三亚市政府", False),
        ("省高级人民法院", False),
        ("中国专利保护协会", False),
    ],
)
def test_which_names_are_collective(written: str, collective: bool) -> None:
    text = f"一、重点任务\n1.加强保护。建立机制。（省知识产权局牵头，{written}配合）\n"
    plan = parse_plan(text=text, region="海南省")
    assert plan.tasks[0].responsibilities[-1].written == written
    assert plan.tasks[0].responsibilities[-1].collective is collective
    assert plan.tasks[0].responsibilities[0].collective is False
