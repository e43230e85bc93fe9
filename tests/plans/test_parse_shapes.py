"""Documents of other shapes than the three seeds: other provinces, cities, annual work points,
tables, other ways of writing responsibility, and the errors bad input gives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from plans.importer.errors import DocumentError
from plans.importer.parse import ParsedPlan, parse_plan

N, L = "nipa", "local"
LEAD, CO, RESP = "lead", "co", "responsible"


def resps(plan: ParsedPlan, index: int) -> list[tuple[str, str, str, str]]:
    return [(r.written, r.name, r.side, r.role) for r in plan.tasks[index].responsibilities]


BOTH_LEADS = """浙江省人民政府 国家知识产权局关于印发《浙江省人民政府 国家知识产权局
共建知识产权强省实施方案》的通知
浙政发〔2023〕8号
各市、县（市、区）人民政府：
现将《浙江省人民政府 国家知识产权局共建知识产权强省实施方案》印发给你们，请认真贯彻落实。
浙江省人民政府　　国家知识产权局
2023年3月1日
浙江省人民政府 国家知识产权局共建知识产权强省实施方案
一、总体要求
（一）指导思想。坚持创新驱动。
（二）工作目标。到2027年，全省每万人口高价值发明专利拥有量由2022年的15.6件提高到22件，知识产权质押融资额累计达到1500亿元。
二、重点任务
（一）强化知识产权保护
1．建设保护中心。加快建设知识产权保护中心。（国家知识产权局保护司牵头，公共服务司配合；省知识产权局牵头，省公安厅、省高级人民法院等按职责分工负责）
2．推动转化运用。实施专利转化专项计划。（国家知识产权局运用促进司负责；省知识产权局、省科技厅牵头负责，省教育厅配合）
（二）优化公共服务
3．建设信息平台。（国家知识产权局公共服务司、中国专利保护协会；省知识产权局）
三、组织实施
（一）加强组织领导。成立委员会。
（二）强化经费保障。安排专项经费。
"""


def test_leads_on_both_sides() -> None:
    plan = parse_plan(text=BOTH_LEADS)
    assert plan.title == "浙江省人民政府国家知识产权局共建知识产权强省实施方案"
    assert plan.doc_number == "浙政发〔2023〕8号"
    assert plan.issued_on == date(2023, 3, 1)
    assert plan.issuers == ["浙江省人民政府", "国家知识产权局"]
    assert plan.region == "浙江省"
    assert plan.kind == "joint"
    assert resps(plan, 0) == [
        ("国家知识产权局保护司", "国家知识产权局保护司", N, LEAD),
        ("公共服务司", "国家知识产权局公共服务司", N, CO),
        ("省知识产权局", "浙江省知识产权局", L, LEAD),
        ("省公安厅", "浙江省公安厅", L, CO),
        ("省高级人民法院", "浙江省高级人民法院", L, CO),
    ]
    assert plan.tasks[0].non_exhaustive
    assert resps(plan, 1) == [
        ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, LEAD),
        ("省知识产权局", "浙江省知识产权局", L, LEAD),
        ("省科技厅", "浙江省科技厅", L, LEAD),
        ("省教育厅", "浙江省教育厅", L, CO),
    ]
    assert not plan.tasks[1].non_exhaustive
    # No verb at all: several units are responsible, a single one leads.
    assert resps(plan, 2) == [
        ("国家知识产权局公共服务司", "国家知识产权局公共服务司", N, RESP),
        ("中国专利保护协会", "中国专利保护协会", N, RESP),
        ("省知识产权局", "浙江省知识产权局", L, LEAD),
    ]
    assert (plan.tasks[2].title, plan.tasks[2].text) == ("建设信息平台", "")
    assert [(s.label, s.parent) for s in plan.sections] == [
        ("一、", None),
        ("二、", None),
        ("(一)", "二、"),
        ("(二)", "二、"),
        ("三、", None),
    ]
    assert [t.section for t in plan.tasks] == ["(一)", "(一)", "(二)"]
    assert [(g.label, g.title) for g in plan.guarantee_measures] == [
        ("(一)", "加强组织领导"),
        ("(二)", "强化经费保障"),
    ]
    assert plan.warnings == []


def test_indicators_with_baseline_and_multiplier() -> None:
    plan = parse_plan(text=BOTH_LEADS)
    first, second = plan.indicators
    assert (first.name, first.target, first.unit, first.year) == (
        "全省每万人口高价值发明专利拥有量",
        Decimal("22"),
        "件",
        2027,
    )
    assert (first.baseline, first.baseline_year) == (Decimal("15.6"), 2022)
    assert (second.name, second.target, second.unit) == (
        "知识产权质押融资额",
        Decimal("150000000000"),
        "元",
    )


WORK_POINTS = """江苏省知识产权局关于印发《2023年江苏省知识产权工作要点》的通知
苏知发[2023]5号
各设区市知识产权局：
现将《2023年江苏省知识产权工作要点》印发给你们，请认真贯彻落实。
江苏省知识产权局
2023年2月10日
2023年江苏省知识产权工作要点
一、强化知识产权保护
1.完善保护体系。推动出台地方条例。(牵头单位：省知识产权局；配合单位：省司法厅、省公安厅等)
2.加强行政执法。开展专项行动。(牵头单位：省知识产权局法规处；配合单位：各设区市知识产权局)
二、促进知识产权运用
1.实施转化专项计划。推动高校专利转化。(牵头单位：省知识产权局运用处)
2.发展服务业。培育服务机构。(责任单位：省知识产权局服务处、省商务厅)
3.开展商标品牌建设。(省知识产权局商标处牵头负责，省市场监管局配合)
三、保障措施
加强组织领导，确保各项任务落到实处。
"""


def test_work_points() -> None:
    plan = parse_plan(text=WORK_POINTS)
    assert plan.kind == "work_points"
    assert plan.title == "2023年江苏省知识产权工作要点"
    assert plan.doc_number == "苏知发〔2023〕5号"
    assert plan.issuers == ["江苏省知识产权局"]
    assert plan.region == "江苏省"
    # `1.` restarts under each part: numbers follow the order, labels stay as written.
    assert [(t.number, t.label, t.section) for t in plan.tasks] == [
        (1, "1.", "一、"),
        (2, "2.", "一、"),
        (3, "1.", "二、"),
        (4, "2.", "二、"),
        (5, "3.", "二、"),
    ]
    assert resps(plan, 0) == [
        ("省知识产权局", "江苏省知识产权局", L, LEAD),
        ("省司法厅", "江苏省司法厅", L, CO),
        ("省公安厅", "江苏省公安厅", L, CO),
    ]
    assert plan.tasks[0].non_exhaustive
    assert resps(plan, 1) == [
        ("省知识产权局法规处", "江苏省知识产权局法规处", L, LEAD),
        ("各设区市知识产权局", "江苏省各设区市知识产权局", L, CO),
    ]
    assert resps(plan, 2) == [("省知识产权局运用处", "江苏省知识产权局运用处", L, LEAD)]
    assert resps(plan, 3) == [
        ("省知识产权局服务处", "江苏省知识产权局服务处", L, RESP),
        ("省商务厅", "江苏省商务厅", L, RESP),
    ]
    assert resps(plan, 4) == [
        ("省知识产权局商标处", "江苏省知识产权局商标处", L, LEAD),
        ("省市场监管局", "江苏省市场监管局", L, CO),
    ]
    assert [(g.label, g.title, g.body) for g in plan.guarantee_measures] == [
        ("三、", "保障措施", "加强组织领导，确保各项任务落到实处。")
    ]
    assert plan.warnings == []


CITY_NO_NIPA = """嘉兴市人民政府关于加快建设知识产权强市的实施意见
为贯彻落实《浙江省知识产权强省建设纲要》，结合我市实际，提出如下意见。
一、总体要求
二、主要目标
到2025年，全市发明专利拥有量达到1.5万件，PCT国际专利申请量超过300件，专利密集型产业增加值占GDP比重达到12%。
三、主要任务
（一）加强知识产权创造。实施高价值专利培育计划，PCT申请量由2020年的120件提高到300件。（责任单位：市市场监管局、市科技局）
(二)加强知识产权保护。完善快速维权机制。（责任单位:市公安局，市中级人民法院）
(三)加强知识产权运用。推动专利转化。【市财政局牵头；市金融办、人民银行嘉兴市中心支行配合】
四、保障措施
(一)加强组织领导。建立工作机制。
"""


def test_city_plan_without_nipa_part() -> None:
    plan = parse_plan(text=CITY_NO_NIPA)
    assert plan.kind == "implementation"
    assert plan.issuers == ["嘉兴市人民政府"]
    assert plan.region == "浙江省嘉兴市"  # the city issues it; the text names its province
    assert all(r.side == L for t in plan.tasks for r in t.responsibilities)
    assert resps(plan, 0) == [
        ("市市场监管局", "嘉兴市市场监管局", L, RESP),
        ("市科技局", "嘉兴市科技局", L, RESP),
    ]
    assert resps(plan, 1) == [
        ("市公安局", "嘉兴市公安局", L, RESP),
        ("市中级人民法院", "嘉兴市中级人民法院", L, RESP),
    ]
    # 【】 brackets, `；` between the lead and the others of the same side
    assert resps(plan, 2) == [
        ("市财政局", "嘉兴市财政局", L, LEAD),
        ("市金融办", "嘉兴市金融办", L, CO),
        ("人民银行嘉兴市中心支行", "人民银行嘉兴市中心支行", L, CO),
    ]
    # Objectives only: a target in a task's text is no indicator.
    assert [(i.name, i.target, i.unit, i.year) for i in plan.indicators] == [
        ("全市发明专利拥有量", Decimal("15000"), "件", 2025),
        ("PCT国际专利申请量", Decimal("300"), "件", 2025),
        ("专利密集型产业增加值占GDP比重", Decimal("12"), "%", 2025),
    ]


def test_mixed_full_and_half_width_punctuation() -> None:
    text = """某省人民政府 国家知识产权局共建知识产权强省实施方案
一、总体要求
二、共建任务
（一）聚焦保护
1．加强保护。建立机制。（国家知识产权局保护司负责;省知识产权局牵头,省公安厅、省法院等）
2、加强运用。推动转化。(国家知识产权局运用促进司负责；省知识产权局牵头，省科技厅)
(二)聚焦服务
3.强化服务。建设平台。（国家知识产权局公共服务司负责）（省知识产权局牵头，省大数据局）
"""
    plan = parse_plan(text=text, region="福建省")
    assert [(t.label, t.title, t.section) for t in plan.tasks] == [
        ("1.", "加强保护", "(一)"),
        ("2.", "加强运用", "(一)"),
        ("3.", "强化服务", "(二)"),
    ]
    assert resps(plan, 0) == [
        ("国家知识产权局保护司", "国家知识产权局保护司", N, LEAD),
        ("省知识产权局", "福建省知识产权局", L, LEAD),
        ("省公安厅", "福建省公安厅", L, CO),
        ("省法院", "福建省法院", L, CO),
    ]
    assert resps(plan, 1)[-1] == ("省科技厅", "福建省科技厅", L, CO)
    # Two parentheses side by side: only the last closes the task; it is the whole note.
    assert resps(plan, 2) == [
        ("省知识产权局", "福建省知识产权局", L, LEAD),
        ("省大数据局", "福建省大数据局", L, CO),
    ]
    assert plan.tasks[2].text == "建设平台。（国家知识产权局公共服务司负责）"


def test_missing_title_is_a_warning() -> None:
    text = "一、主要任务\n1.加强保护。建立机制。(省知识产权局牵头，省公安厅配合)\n"
    plan = parse_plan(text=text, region="河南省")
    assert plan.title is None
    assert "未识别出方案标题 / the title was not recognised" in plan.warnings
    assert resps(plan, 0) == [
        ("省知识产权局", "河南省知识产权局", L, LEAD),
        ("省公安厅", "河南省公安厅", L, CO),
    ]


def test_arguments_override_the_text() -> None:
    plan = parse_plan(
        text=BOTH_LEADS,
        title="另一个标题",
        region="浙江省",
        doc_number="浙政发〔2023〕9号",
        issued_on=date(2023, 3, 2),
    )
    assert (plan.title, plan.region, plan.doc_number, plan.issued_on) == (
        "另一个标题",
        "浙江省",
        "浙政发〔2023〕9号",
        date(2023, 3, 2),
    )


def test_unknown_region_leaves_relative_names_and_warns() -> None:
    text = "一、主要任务\n1.加强保护。建立机制。(省知识产权局牵头，省公安厅配合)\n"
    plan = parse_plan(text=text)
    assert plan.region is None
    assert resps(plan, 0)[0] == ("省知识产权局", "省知识产权局", L, LEAD)
    assert any("省知识产权局、省公安厅" in w for w in plan.warnings)


def test_items_directly_under_the_title() -> None:
    text = "某某工作方案\n(一)加强保护。建立机制。(省知识产权局负责)\n(二)加强运用。推动转化。\n"
    plan = parse_plan(text=text, region="安徽省")
    assert [(t.number, t.label, t.section) for t in plan.tasks] == [
        (1, "(一)", None),
        (2, "(二)", None),
    ]
    assert plan.sections == []
    assert resps(plan, 0) == [("省知识产权局", "安徽省知识产权局", L, LEAD)]
    assert any("任务(二)没有写明责任单位" in w for w in plan.warnings)


def test_pdf_line_starting_like_a_heading_is_not_one() -> None:
    text = """一、重点任务
1.加强保护。建立机制，力争每万人口发明专利拥有量达到
2.5件，完善快速维权。(省知识产权局牵头)
2.加强运用。推动转化，做好
(一)类试点工作。(省科技厅负责)
"""
    plan = parse_plan(text=text, region="江西省")
    assert [t.title for t in plan.tasks] == ["加强保护", "加强运用"]
    assert plan.tasks[0].text == "建立机制，力争每万人口发明专利拥有量达到2.5件，完善快速维权。"
    assert plan.tasks[1].text == "推动转化，做好(一)类试点工作。"


def test_side_written_in_the_wrong_part_warns() -> None:
    text = """一、共建任务
1.加强保护。建立机制。(省知识产权局牵头，省公安厅配合；国家知识产权局保护司负责)
2.加强运用。推动转化。(国家知识产权局运用促进司、省科技厅负责；省知识产权局牵头)
"""
    plan = parse_plan(text=text, region="广东省")
    assert [r.side for r in plan.tasks[0].responsibilities] == [L, L, N]
    assert any("地方分工写在国家知识产权局分工之前" in w for w in plan.warnings)
    assert [(r.written, r.side) for r in plan.tasks[1].responsibilities] == [
        ("国家知识产权局运用促进司", N),
        ("省科技厅", L),
        ("省知识产权局", L),
    ]
    assert any("“省科技厅”与所在部分的其他单位不属同一方" in w for w in plan.warnings)


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n  \n"])
def test_empty_text(text: str) -> None:
    with pytest.raises(DocumentError, match="文件为空"):
        parse_plan(text=text)


def test_no_tasks() -> None:
    text = (
        "某某方案\n为了做好工作，制定本方案。\n一、总体要求\n坚持创新。\n二、保障措施\n加强领导。\n"
    )
    with pytest.raises(DocumentError, match="no recognisable tasks"):
        parse_plan(text=text)


def test_no_numbered_items_at_all() -> None:
    with pytest.raises(DocumentError, match="未找到可识别的任务"):
        parse_plan(text="关于做好知识产权工作的通知\n请各单位认真落实。\n")


@pytest.mark.parametrize(
    ("note_line", "words"),
    [
        ("1.加强保护。建立机制。(省知识产权局牵头，省公安厅配合", "没有闭合"),
        ("1.加强保护。建立机制。省知识产权局牵头，省公安厅配合)", "没有对应的左括号"),
        ("1.加强保护。建立机制。[(国家知识产权局保护司负责)(省知识产权局牵头]", "不配对"),
        ("1.加强保护。建立机制。【国家知识产权局保护司负责；省知识产权局牵头", "没有闭合"),
    ],
)
def test_unbalanced_note_bracket_names_its_line(note_line: str, words: str) -> None:
    text = f"某省方案\n\n一、重点任务\n{note_line}\n2.加强运用。推动转化。(省科技厅负责)\n"
    with pytest.raises(DocumentError) as caught:
        parse_plan(text=text)
    assert caught.value.line == 4
    assert "第4行" in str(caught.value)
    assert "line 4" in str(caught.value)
    assert words in str(caught.value)


def test_unbalanced_bracket_on_a_continuation_line() -> None:
    text = "一、重点任务\n1.加强保护。建立机制，\n完善体系。(省知识产权局牵头，\n省公安厅配合\n"
    with pytest.raises(DocumentError) as caught:
        parse_plan(text=text)
    assert caught.value.line == 3


@pytest.mark.parametrize("heading", ["(二加强运用。推动转化。", "二)加强运用。推动转化。"])
def test_unbalanced_heading_bracket_names_its_line(heading: str) -> None:
    text = f"一、重点任务\n(一)加强保护。建立机制。(省知识产权局牵头)\n{heading}(省科技厅负责)\n"
    with pytest.raises(DocumentError) as caught:
        parse_plan(text=text)
    assert caught.value.line == 3
    assert "第3行" in str(caught.value)


def test_brackets_in_names_and_text_are_fine() -> None:
    text = """一、重点任务
1.加强合作。落实《区域全面经济伙伴关系协定》(RCEP)，推进“一带一路”合作。(中国(湖南)自由贸易试验区工作办公室牵头)
"""
    plan = parse_plan(text=text, region="湖南省")
    assert plan.tasks[0].text == "落实《区域全面经济伙伴关系协定》(RCEP)，推进“一带一路”合作。"
    assert resps(plan, 0) == [
        ("中国(湖南)自由贸易试验区工作办公室", "中国(湖南)自由贸易试验区工作办公室", L, LEAD)
    ]


SIGNED_AT_THE_END = """四川省知识产权强省建设实施方案
为贯彻落实《知识产权强国建设纲要(2021—2035年)》，根据《四川省“十四五”知识产权规划》，制定本方案。
一、重点任务
1.加强保护。建立机制。
责任单位：省知识产权局、省公安厅
2.加强运用。推动转化。牵头单位：省科技厅；配合单位：省教育厅
3.强化服务。建设平台。（省知识产权局会同省大数据局负责）
4.优化环境。开展评价。（省知识产权局牵头，省商务厅负责）
二、保障措施
（一）加强领导。落实责任。
四川省人民政府
2024年1月5日
（此件公开发布）
"""


def test_other_ways_of_writing_responsibility() -> None:
    plan = parse_plan(text=SIGNED_AT_THE_END)
    # a note without brackets after the last sentence
    assert resps(plan, 0) == [
        ("省知识产权局", "四川省知识产权局", L, RESP),
        ("省公安厅", "四川省公安厅", L, RESP),
    ]
    assert resps(plan, 1) == [
        ("省科技厅", "四川省科技厅", L, LEAD),
        ("省教育厅", "四川省教育厅", L, CO),
    ]
    assert plan.tasks[1].text == "推动转化。"
    # `X会同Y负责`: X leads; `负责` after a lead is a co-responsibility
    assert resps(plan, 2) == [
        ("省知识产权局", "四川省知识产权局", L, LEAD),
        ("省大数据局", "四川省大数据局", L, CO),
    ]
    assert resps(plan, 3) == [
        ("省知识产权局", "四川省知识产权局", L, LEAD),
        ("省商务厅", "四川省商务厅", L, CO),
    ]


def test_signature_at_the_end() -> None:
    plan = parse_plan(text=SIGNED_AT_THE_END)
    # The title is the heading line, not a 《》 of the preamble.
    assert plan.title == "四川省知识产权强省建设实施方案"
    assert plan.issuers == ["四川省人民政府"]
    assert plan.issued_on == date(2024, 1, 5)
    assert plan.region == "四川省"
    assert [(g.label, g.title, g.body) for g in plan.guarantee_measures] == [
        ("(一)", "加强领导", "落实责任。")
    ]
    assert plan.warnings == []


def test_binary_text_names_the_line() -> None:
    with pytest.raises(DocumentError, match="NUL") as caught:
        parse_plan(text="一、重点任务\n1.加强保护。(省知识产权局负责)\n\x00\x01\x02")
    assert caught.value.line == 3


def test_normalized_text_joins_pdf_lines() -> None:
    from plans.importer.normalize import normalized_text

    text = "一、重点任务\n1.加强保护。建立知识产\n— 1 —\n\n权保护机制。(省知识产权局\n负责)\n"
    # The page number goes and the broken name is whole again; the heading line stays a
    # paragraph of its own (the parser joins a task's paragraphs).
    assert normalized_text(text=text).split("\n") == [
        "一、重点任务",
        "1.加强保护。建立知识产",
        "权保护机制。(省知识产权局负责)",
    ]
    plan = parse_plan(text=text, region="海南省")
    assert plan.tasks[0].text == "建立知识产权保护机制。"
