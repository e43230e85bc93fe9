"""The three seed plans, parsed from the copies kept in `plans/sources/`.

Every task's number, title and responsibility list (as written, canonical name, side, role, in
the order written) is spelled out here; so are the sections, guarantee measures, document
number, dates, title, issuers, region and Weihai's indicators.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

from plans.importer.parse import ParsedPlan, parse_plan

SOURCES = Path(__file__).resolve().parents[2] / "plans" / "sources"
SEED_FILES = {"hainan": "hainan-2022.txt", "hunan": "hunan-2022.txt", "weihai": "weihai-2021.txt"}

N, L = "nipa", "local"
LEAD, CO, RESP = "lead", "co", "responsible"


class Task(NamedTuple):
    number: int
    label: str
    section: str | None
    title: str
    non_exhaustive: bool
    responsibilities: list[tuple[str, str, str, str]]


def seed_text(name: str) -> str:
    return (SOURCES / name).read_text(encoding="utf-8")


def tasks_of(plan: ParsedPlan) -> list[Task]:
    return [
        Task(
            t.number,
            t.label,
            t.section,
            t.title,
            t.non_exhaustive,
            [(r.written, r.name, r.side, r.role) for r in t.responsibilities],
        )
        for t in plan.tasks
    ]


def sections_of(plan: ParsedPlan) -> list[tuple[str, str, str | None]]:
    return [(s.label, s.title, s.parent) for s in plan.sections]


HAINAN_TASKS = [
    Task(
        1,
        "1.",
        "(一)",
        "推进知识产权管理体制机制改革",
        True,
        [
            ("国家知识产权局办公室", "国家知识产权局办公室", N, CO),
            ("战略规划司", "国家知识产权局战略规划司", N, CO),
            ("保护司", "国家知识产权局保护司", N, CO),
            ("运用促进司", "国家知识产权局运用促进司", N, CO),
            ("公共服务司", "国家知识产权局公共服务司", N, CO),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("省委编办", "海南省委编办", L, CO),
            ("省版权局", "海南省版权局", L, CO),
            ("省农业农村厅", "海南省农业农村厅", L, CO),
            ("省林业局", "海南省林业局", L, CO),
            ("省市场监管局", "海南省市场监管局", L, CO),
            ("省高级法院", "海南省高级法院", L, CO),
            ("海南自由贸易港知识产权法院", "海南自由贸易港知识产权法院", L, CO),
        ],
    ),
    Task(
        2,
        "2.",
        "(一)",
        "完善知识产权政策制度体系",
        True,
        [
            ("国家知识产权局条法司", "国家知识产权局条法司", N, CO),
            ("联席办", "国家知识产权局联席办", N, CO),
            ("战略规划司", "国家知识产权局战略规划司", N, CO),
            ("运用促进司", "国家知识产权局运用促进司", N, CO),
            ("公共服务司", "国家知识产权局公共服务司", N, CO),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("省版权局", "海南省版权局", L, CO),
            ("省贸促会", "海南省贸促会", L, CO),
            ("省农业农村厅", "海南省农业农村厅", L, CO),
            ("省林业局", "海南省林业局", L, CO),
            ("省旅游和文化广电体育厅", "海南省旅游和文化广电体育厅", L, CO),
            ("省工业和信息化厅", "海南省工业和信息化厅", L, CO),
            ("省商务厅", "海南省商务厅", L, CO),
            ("省司法厅", "海南省司法厅", L, CO),
            ("省市场监管局", "海南省市场监管局", L, CO),
            ("省高级法院", "海南省高级法院", L, CO),
            ("省地方金融监管局", "海南省地方金融监管局", L, CO),
            ("海口海关", "海口海关", L, CO),
        ],
    ),
    Task(
        3,
        "3.",
        "(一)",
        "探索建设三亚崖州湾科技城知识产权特区",
        True,
        [
            ("国家知识产权局条法司", "国家知识产权局条法司", N, CO),
            ("保护司", "国家知识产权局保护司", N, CO),
            ("运用促进司", "国家知识产权局运用促进司", N, CO),
            ("公共服务司", "国家知识产权局公共服务司", N, CO),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("三亚市政府", "三亚市政府", L, LEAD),
            (
                "三亚崖州湾科技城知识产权特区建设推进工作专班各成员单位",
                "三亚崖州湾科技城知识产权特区建设推进工作专班各成员单位",
                L,
                CO,
            ),
        ],
    ),
    Task(
        4,
        "4.",
        "(二)",
        "打造我国知识产权国际交流中心",
        False,
        [
            ("国家知识产权局条法司", "国家知识产权局条法司", N, CO),
            ("国际合作司", "国家知识产权局国际合作司", N, CO),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("省版权局", "海南省版权局", L, CO),
            ("省农业农村厅", "海南省农业农村厅", L, CO),
            ("省林业局", "海南省林业局", L, CO),
            ("省高级法院", "海南省高级法院", L, CO),
            ("海南自由贸易港知识产权法院", "海南自由贸易港知识产权法院", L, CO),
        ],
    ),
    Task(
        5,
        "5.",
        "(二)",
        "推动相关机构在海南落户",
        True,
        [
            ("国家知识产权局保护司", "国家知识产权局保护司", N, CO),
            ("国际合作司", "国家知识产权局国际合作司", N, CO),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("省版权局", "海南省版权局", L, CO),
            ("省司法厅", "海南省司法厅", L, CO),
            ("省农业农村厅", "海南省农业农村厅", L, CO),
            ("省林业局", "海南省林业局", L, CO),
            ("省高级法院", "海南省高级法院", L, CO),
            ("海南自由贸易港知识产权法院", "海南自由贸易港知识产权法院", L, CO),
            ("海南国际仲裁院", "海南国际仲裁院", L, CO),
        ],
    ),
    Task(
        6,
        "6.",
        "(二)",
        "做好国家级重大展会知识产权服务保障",
        True,
        [
            ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, LEAD),
            ("保护司", "国家知识产权局保护司", N, CO),
            ("公共服务司", "国家知识产权局公共服务司", N, CO),
            ("专利局审业部", "国家知识产权局专利局审业部", N, CO),
            ("商标局", "国家知识产权局商标局", N, CO),
            ("省知识产权局", "海南省知识产权局", L, CO),
            ("省市场监管局", "海南省市场监管局", L, CO),
        ],
    ),
    Task(
        7,
        "7.",
        "(三)",
        "多途径加强涉农专利技术应用",
        True,
        [
            ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, CO),
            ("公共服务司", "国家知识产权局公共服务司", N, CO),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("省贸促会", "海南省贸促会", L, CO),
            ("省科技厅", "海南省科技厅", L, CO),
            ("省农业农村厅", "海南省农业农村厅", L, CO),
            ("省林业局", "海南省林业局", L, CO),
        ],
    ),
    Task(
        8,
        "8.",
        "(三)",
        "全方位推动区域商标品牌建设",
        True,
        [
            ("国家知识产权局办公室", "国家知识产权局办公室", N, CO),
            ("运用促进司", "国家知识产权局运用促进司", N, CO),
            ("商标局", "国家知识产权局商标局", N, CO),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("省民宗委", "海南省民宗委", L, CO),
            ("省版权局", "海南省版权局", L, CO),
            ("省发展改革委", "海南省发展改革委", L, CO),
            ("省农业农村厅", "海南省农业农村厅", L, CO),
            ("省林业局", "海南省林业局", L, CO),
            ("省市场监管局", "海南省市场监管局", L, CO),
            ("省商务厅", "海南省商务厅", L, CO),
            ("省旅游和文化广电体育厅", "海南省旅游和文化广电体育厅", L, CO),
            ("省地方金融监管局", "海南省地方金融监管局", L, CO),
            ("证监会海南监管局", "证监会海南监管局", L, CO),
            ("省农垦投资控股集团有限公司", "海南省农垦投资控股集团有限公司", L, CO),
            ("各市县", "海南省各市县", L, CO),
        ],
    ),
    Task(
        9,
        "9.",
        "(三)",
        "大力实施地理标志运用促进工程",
        True,
        [
            ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, LEAD),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("省民宗委", "海南省民宗委", L, CO),
            ("省发展改革委", "海南省发展改革委", L, CO),
            ("省农业农村厅", "海南省农业农村厅", L, CO),
            ("省林业局", "海南省林业局", L, CO),
            ("省市场监管局", "海南省市场监管局", L, CO),
            ("省商务厅", "海南省商务厅", L, CO),
            ("省旅游和文化广电体育厅", "海南省旅游和文化广电体育厅", L, CO),
            ("省地方金融监管局", "海南省地方金融监管局", L, CO),
            ("银保监会海南监管局", "银保监会海南监管局", L, CO),
            ("证监会海南监管局", "证监会海南监管局", L, CO),
            ("省农垦投资控股集团有限公司", "海南省农垦投资控股集团有限公司", L, CO),
            ("各市县政府", "海南省各市县政府", L, CO),
        ],
    ),
    Task(
        10,
        "10.",
        "(四)",
        "完善知识产权保护体系",
        False,
        [
            ("国家知识产权局保护司", "国家知识产权局保护司", N, LEAD),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("省版权局", "海南省版权局", L, CO),
            ("省司法厅", "海南省司法厅", L, CO),
            ("省农业农村厅", "海南省农业农村厅", L, CO),
            ("省林业局", "海南省林业局", L, CO),
            ("省高级法院", "海南省高级法院", L, CO),
            ("海南自由贸易港知识产权法院", "海南自由贸易港知识产权法院", L, CO),
            ("海口市政府", "海口市政府", L, CO),
            ("省贸促会", "海南省贸促会", L, CO),
            ("海南国际仲裁院", "海南国际仲裁院", L, CO),
        ],
    ),
    Task(
        11,
        "11.",
        "(四)",
        "完善知识产权运营服务体系",
        True,
        [
            ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, LEAD),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("省科技厅", "海南省科技厅", L, CO),
            ("省教育厅", "海南省教育厅", L, CO),
            ("省地方金融监管局", "海南省地方金融监管局", L, CO),
            ("证监会海南监管局", "证监会海南监管局", L, CO),
            ("银保监会海南监管局", "银保监会海南监管局", L, CO),
            ("三亚市政府", "三亚市政府", L, CO),
            ("文昌市政府", "文昌市政府", L, CO),
        ],
    ),
    Task(
        12,
        "12.",
        "(四)",
        "夯实知识产权工作基础",
        True,
        [
            ("国家知识产权局公共服务司", "国家知识产权局公共服务司", N, CO),
            ("人事司", "国家知识产权局人事司", N, CO),
            ("省知识产权局", "海南省知识产权局", L, LEAD),
            ("省大数据管理局", "海南省大数据管理局", L, CO),
            ("省教育厅", "海南省教育厅", L, CO),
            ("省委人才发展局", "海南省委人才发展局", L, CO),
            ("省人力资源社会保障厅", "海南省人力资源社会保障厅", L, CO),
            ("海口市政府", "海口市政府", L, CO),
            ("三亚市政府", "三亚市政府", L, CO),
            ("儋州市政府", "儋州市政府", L, CO),
        ],
    ),
]

HAINAN_SECTIONS = [
    ("一、", "总体要求", None),
    ("二、", "共建内容", None),
    (
        "(一)",
        ("聚焦全面深化改革，以体制机制改革创新为重点，共同打造知识产权制度集成创新策源地"),
        "二、",
    ),
    (
        "(二)",
        ("聚焦高水平对外开放，以对标高标准国际经贸规则为重点，共同打造知识产权国际合作新名片"),
        "二、",
    ),
    (
        "(三)",
        (
            "聚焦践行“两山”理念，以助力国家生态文明试验区建设为重点，"
            "共同绘就知识产权助力乡村振兴新画卷"
        ),
        "二、",
    ),
    (
        "(四)",
        ("聚焦推动高质量发展，以营造国际一流营商环境为重点，共同塑造知识产权竞争发展新优势"),
        "二、",
    ),
    ("三、", "保障措施", None),
]

HUNAN_TASKS = [
    Task(
        1,
        "1.",
        "(一)",
        "加强知识产权强省顶层设计",
        True,
        [
            ("国家知识产权局条法司", "国家知识产权局条法司", N, CO),
            ("联席办", "国家知识产权局联席办", N, CO),
            ("战略规划司", "国家知识产权局战略规划司", N, CO),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            (
                "湖南省知识产权协调工作联席会议各成员单位",
                "湖南省知识产权协调工作联席会议各成员单位",
                L,
                CO,
            ),
        ],
    ),
    Task(
        2,
        "2.",
        "(一)",
        "推动知识产权区域协同发展",
        False,
        [
            ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, LEAD),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            ("湖南省农业农村厅", "湖南省农业农村厅", L, CO),
            ("各有关市州人民政府", "湖南省各有关市州人民政府", L, CO),
        ],
    ),
    Task(
        3,
        "3.",
        "(一)",
        "夯实知识产权强省建设基础",
        True,
        [
            ("国家知识产权局战略规划司", "国家知识产权局战略规划司", N, CO),
            ("运用促进司", "国家知识产权局运用促进司", N, CO),
            ("公共服务司", "国家知识产权局公共服务司", N, CO),
            ("人事司", "国家知识产权局人事司", N, CO),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            ("湖南省委组织部", "湖南省委组织部", L, CO),
            ("省高级人民法院", "湖南省高级人民法院", L, CO),
            ("省司法厅", "湖南省司法厅", L, CO),
        ],
    ),
    Task(
        4,
        "4.",
        "(二)",
        "强化产业集群专利导航服务",
        True,
        [
            ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, LEAD),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            ("湖南省科技厅", "湖南省科技厅", L, CO),
            ("省工业和信息化厅", "湖南省工业和信息化厅", L, CO),
            ("各有关市州人民政府", "湖南省各有关市州人民政府", L, CO),
        ],
    ),
    Task(
        5,
        "5.",
        "(二)",
        "培育壮大产业集群创新主体",
        True,
        [
            ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, LEAD),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            ("湖南省科技厅", "湖南省科技厅", L, CO),
            ("省工业和信息化厅", "湖南省工业和信息化厅", L, CO),
            ("各有关市州人民政府", "湖南省各有关市州人民政府", L, CO),
        ],
    ),
    Task(
        6,
        "6.",
        "(二)",
        "优化产业集群创新生态",
        True,
        [
            ("国家知识产权局保护司", "国家知识产权局保护司", N, CO),
            ("运用促进司", "国家知识产权局运用促进司", N, CO),
            ("公共服务司", "国家知识产权局公共服务司", N, CO),
            ("专利局人事教育部", "国家知识产权局专利局人事教育部", N, CO),
            ("商标局", "国家知识产权局商标局", N, CO),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            ("中国(湖南)自由贸易试验区工作办公室", "中国(湖南)自由贸易试验区工作办公室", L, CO),
            ("湖南省各有关市州人民政府", "湖南省各有关市州人民政府", L, CO),
        ],
    ),
    Task(
        7,
        "7.",
        "(三)",
        "加强自主知识产权创造储备",
        True,
        [
            ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, CO),
            ("人事司", "国家知识产权局人事司", N, CO),
            ("专利局人事教育部", "国家知识产权局专利局人事教育部", N, CO),
            ("审业部", "国家知识产权局专利局审业部", N, CO),
            ("湖南省科技厅", "湖南省科技厅", L, LEAD),
            ("湖南省工业和信息化厅", "湖南省工业和信息化厅", L, CO),
            ("省知识产权局", "湖南省知识产权局", L, CO),
        ],
    ),
    Task(
        8,
        "8.",
        "(三)",
        "激发高校院所知识产权转化运用活力",
        True,
        [
            ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, LEAD),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            ("湖南省教育厅", "湖南省教育厅", L, CO),
            ("省人力资源社会保障厅", "湖南省人力资源社会保障厅", L, CO),
            ("省国资委", "湖南省国资委", L, CO),
        ],
    ),
    Task(
        9,
        "9.",
        "(三)",
        "加速推动知识产权价值充分实现",
        True,
        [
            ("国家知识产权局运用促进司", "国家知识产权局运用促进司", N, LEAD),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            ("湖南省教育厅", "湖南省教育厅", L, CO),
            ("省科技厅", "湖南省科技厅", L, CO),
            ("省工业和信息化厅", "湖南省工业和信息化厅", L, CO),
            ("省财政厅", "湖南省财政厅", L, CO),
            ("省地方金融监管局", "湖南省地方金融监管局", L, CO),
            ("人民银行长沙中心支行", "人民银行长沙中心支行", L, CO),
            ("各有关市州人民政府", "湖南省各有关市州人民政府", L, CO),
        ],
    ),
    Task(
        10,
        "10.",
        "(四)",
        "打造国际一流营商环境",
        True,
        [
            ("国家知识产权局保护司", "国家知识产权局保护司", N, LEAD),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            ("湖南省委外事办", "湖南省委外事办", L, CO),
            ("省高级人民法院", "湖南省高级人民法院", L, CO),
            ("省人民检察院", "湖南省人民检察院", L, CO),
            ("省公安厅", "湖南省公安厅", L, CO),
            ("省司法厅", "湖南省司法厅", L, CO),
            ("各有关市州人民政府", "湖南省各有关市州人民政府", L, CO),
        ],
    ),
    Task(
        11,
        "11.",
        "(四)",
        "护航助航“湘品出湘”“湘品出境”",
        True,
        [
            ("国家知识产权局条法司", "国家知识产权局条法司", N, CO),
            ("保护司", "国家知识产权局保护司", N, CO),
            ("运用促进司", "国家知识产权局运用促进司", N, CO),
            ("公共服务司", "国家知识产权局公共服务司", N, CO),
            ("国际合作司", "国家知识产权局国际合作司", N, CO),
            ("专利局审业部", "国家知识产权局专利局审业部", N, CO),
            ("商标局", "国家知识产权局商标局", N, CO),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            ("湖南省委外事办", "湖南省委外事办", L, CO),
            ("省商务厅", "湖南省商务厅", L, CO),
            ("省贸促会", "湖南省贸促会", L, CO),
            ("长沙海关", "长沙海关", L, CO),
        ],
    ),
    Task(
        12,
        "12.",
        "(四)",
        "推动革命老区民族地区开放振兴",
        True,
        [
            ("国家知识产权局办公室", "国家知识产权局办公室", N, CO),
            ("保护司", "国家知识产权局保护司", N, CO),
            ("运用促进司", "国家知识产权局运用促进司", N, CO),
            ("商标局", "国家知识产权局商标局", N, CO),
            ("帮扶办", "国家知识产权局帮扶办", N, CO),
            ("湖南省知识产权局", "湖南省知识产权局", L, LEAD),
            ("湖南省农业农村厅", "湖南省农业农村厅", L, CO),
            ("省文化和旅游厅", "湖南省文化和旅游厅", L, CO),
            ("省广电局", "湖南省广电局", L, CO),
            ("各有关市州人民政府", "湖南省各有关市州人民政府", L, CO),
        ],
    ),
]

HUNAN_SECTIONS = [
    ("一、", "指导思想", None),
    ("二、", "共建目标", None),
    ("三、", "共建任务", None),
    (
        "(一)",
        ("聚焦主动融入国家区域发展战略,以强基创优为重点,共同开创新时代知识产权强省建设新局面"),
        "三、",
    ),
    (
        "(二)",
        (
            "聚焦打造国家重要先进制造业高地,以助力产业集群培育发展为重"
            "点,共同树立知识产权引领产业高质量发展新典范"
        ),
        "三、",
    ),
    (
        "(三)",
        (
            "聚焦打造具有核心竞争力的科技创新高地,以激发全域创新活力为"
            "重点,共同培育知识产权驱动创新发展新优势"
        ),
        "三、",
    ),
    (
        "(四)",
        (
            "聚焦打造内陆地区改革开放高地,以助力畅通国内国际双循环为重"
            "点,共同建设知识产权开放协作新平台"
        ),
        "三、",
    ),
    ("四、", "保障措施", None),
]

WEIHAI_TASKS = [
    Task(
        1,
        "(一)",
        "三、",
        "健全知识产权管理体制机制",
        False,
        [
            (
                "威海市知识产权战略实施工作专项小组成员",
                "威海市知识产权战略实施工作专项小组成员",
                L,
                RESP,
            ),
        ],
    ),
    Task(
        2,
        "(二)",
        "三、",
        "形成鼓励创新创造的政策导向",
        False,
        [
            (
                "威海市知识产权战略实施工作专项小组成员",
                "威海市知识产权战略实施工作专项小组成员",
                L,
                RESP,
            ),
        ],
    ),
    Task(
        3,
        "(三)",
        "三、",
        "加强知识产权司法保护",
        False,
        [
            ("市法院", "威海市法院", L, RESP),
            ("市检察院", "威海市检察院", L, RESP),
            ("市公安局", "威海市公安局", L, RESP),
            ("市司法局", "威海市司法局", L, RESP),
        ],
    ),
    Task(
        4,
        "(四)",
        "三、",
        "强化知识产权行政保护",
        False,
        [
            ("市法院", "威海市法院", L, RESP),
            ("市检察院", "威海市检察院", L, RESP),
            ("市公安局", "威海市公安局", L, RESP),
            ("市农业农村局", "威海市农业农村局", L, RESP),
            ("市文化和旅游局", "威海市文化和旅游局", L, RESP),
            ("市市场监管局", "威海市市场监管局", L, RESP),
            ("市林业局", "威海市林业局", L, RESP),
            ("威海海关", "威海海关", L, RESP),
            ("荣成海关", "荣成海关", L, RESP),
            ("市烟草专卖局", "威海市烟草专卖局", L, RESP),
        ],
    ),
    Task(
        5,
        "(五)",
        "三、",
        "健全知识产权协同保护体系",
        False,
        [
            ("市法院", "威海市法院", L, RESP),
            ("市检察院", "威海市检察院", L, RESP),
            ("市公安局", "威海市公安局", L, RESP),
            ("市司法局", "威海市司法局", L, RESP),
            ("市农业农村局", "威海市农业农村局", L, RESP),
            ("市文化和旅游局", "威海市文化和旅游局", L, RESP),
            ("市市场监管局", "威海市市场监管局", L, RESP),
            ("市林业局", "威海市林业局", L, RESP),
            ("威海仲裁委秘书处", "威海仲裁委秘书处", L, RESP),
            ("威海海关", "威海海关", L, RESP),
            ("荣成海关", "荣成海关", L, RESP),
            ("市烟草专卖局", "威海市烟草专卖局", L, RESP),
        ],
    ),
    Task(
        6,
        "(六)",
        "三、",
        "提升知识产权创造的质量",
        False,
        [
            ("市发展改革委", "威海市发展改革委", L, RESP),
            ("市科技局", "威海市科技局", L, RESP),
            ("市工业和信息化局", "威海市工业和信息化局", L, RESP),
            ("市市场监管局", "威海市市场监管局", L, RESP),
        ],
    ),
    Task(
        7,
        "(七)",
        "三、",
        "推进知识产权高效运用",
        False,
        [
            ("市发展改革委", "威海市发展改革委", L, RESP),
            ("市工业和信息化局", "威海市工业和信息化局", L, RESP),
            ("市市场监管局", "威海市市场监管局", L, RESP),
        ],
    ),
    Task(
        8,
        "(八)",
        "三、",
        "培育发展专利密集型产业",
        False,
        [
            ("市市场监管局", "威海市市场监管局", L, RESP),
        ],
    ),
    Task(
        9,
        "(九)",
        "三、",
        "做强商标品牌和版权精品",
        False,
        [
            ("市市场监管局", "威海市市场监管局", L, RESP),
            ("市商务局", "威海市商务局", L, RESP),
            ("市文化和旅游局", "威海市文化和旅游局", L, RESP),
        ],
    ),
    Task(
        10,
        "(十)",
        "三、",
        "促进知识产权服务业高质量发展",
        False,
        [
            ("市财政局", "威海市财政局", L, RESP),
            ("市市场监管局", "威海市市场监管局", L, RESP),
            ("市地方金融监管局", "威海市地方金融监管局", L, RESP),
            ("威海银保监分局", "威海银保监分局", L, RESP),
            ("人民银行威海市中心支行", "人民银行威海市中心支行", L, RESP),
        ],
    ),
    Task(
        11,
        "(十一)",
        "三、",
        "优化知识产权服务供给",
        False,
        [
            ("市农业农村局", "威海市农业农村局", L, RESP),
            ("市文化和旅游局", "威海市文化和旅游局", L, RESP),
            ("市市场监管局", "威海市市场监管局", L, RESP),
            ("市林业局", "威海市林业局", L, RESP),
        ],
    ),
    Task(
        12,
        "(十二)",
        "三、",
        "扩大知识产权国际合作与交流",
        False,
        [
            ("市市场监管局", "威海市市场监管局", L, RESP),
            ("市财政局", "威海市财政局", L, RESP),
            ("市商务局", "威海市商务局", L, RESP),
            ("威海银保监分局", "威海银保监分局", L, RESP),
        ],
    ),
    Task(
        13,
        "(十三)",
        "三、",
        "大力倡导知识产权文化",
        False,
        [
            (
                "威海市知识产权战略实施工作专项小组成员",
                "威海市知识产权战略实施工作专项小组成员",
                L,
                RESP,
            ),
        ],
    ),
    Task(
        14,
        "(十四)",
        "三、",
        "加强知识产权专业人才队伍建设",
        False,
        [
            (
                "威海市知识产权战略实施工作专项小组成员",
                "威海市知识产权战略实施工作专项小组成员",
                L,
                RESP,
            ),
        ],
    ),
]

WEIHAI_SECTIONS = [
    ("一、", "总体要求", None),
    ("二、", "发展目标", None),
    ("三、", "重点任务", None),
    ("四、", "保障措施", None),
]


# --- the sources ---------------------------------------------------------------------------

SOURCE_SHA256 = {
    "hainan-2022.txt": "c25ef8e5ed0dcf411f6d8c48ca9165e4ac721d3595c778bf9a5fc592f002f814",
    "hunan-2022.txt": "616255779d51691292a85d8d22a5057cd1bc0a14a6a931b620a7b331c7675fdf",
    "weihai-2021.txt": "59902983e3c305c1b520554dd03220e494339be2e75ea1cf6c0dff3f69f2aab5",
}


@pytest.mark.parametrize("name", sorted(SOURCE_SHA256))
def test_sources_are_the_official_texts_unchanged(name: str) -> None:
    assert hashlib.sha256((SOURCES / name).read_bytes()).hexdigest() == SOURCE_SHA256[name]


@pytest.fixture(scope="module")
def hainan() -> ParsedPlan:
    return parse_plan(text=seed_text("hainan-2022.txt"))


@pytest.fixture(scope="module")
def hunan() -> ParsedPlan:
    return parse_plan(text=seed_text("hunan-2022.txt"))


@pytest.fixture(scope="module")
def weihai() -> ParsedPlan:
    return parse_plan(text=seed_text("weihai-2021.txt"))


# --- Hainan --------------------------------------------------------------------------------


def test_hainan_document(hainan: ParsedPlan) -> None:
    assert hainan.title == "海南省人民政府国家知识产权局共建全面深化改革开放知识产权强省实施方案"
    assert hainan.doc_number == "琼府〔2022〕39号"
    assert hainan.issued_on == date(2022, 11, 7)
    assert hainan.published_on == date(2022, 11, 25)  # 发布日期, not the issue date
    assert hainan.region == "海南省"
    assert hainan.issuers == ["海南省人民政府", "国家知识产权局"]
    assert hainan.kind == "joint"
    assert hainan.indicators == []
    assert hainan.warnings == []


def test_hainan_sections(hainan: ParsedPlan) -> None:
    assert sections_of(hainan) == HAINAN_SECTIONS
    kinds = {s.label: s.kind for s in hainan.sections}
    assert kinds["一、"] == "general"
    assert kinds["二、"] == "tasks"
    assert kinds["三、"] == "guarantee"


def test_hainan_has_twelve_tasks(hainan: ParsedPlan) -> None:
    assert [t.number for t in hainan.tasks] == list(range(1, 13))


@pytest.mark.parametrize("expected", HAINAN_TASKS, ids=lambda t: t.label)
def test_hainan_task(hainan: ParsedPlan, expected: Task) -> None:
    assert tasks_of(hainan)[expected.number - 1] == expected


def test_hainan_guarantee_measures(hainan: ParsedPlan) -> None:
    assert [(g.label, g.title) for g in hainan.guarantee_measures] == [
        ("(一)", "加强组织领导"),
        ("(二)", "强化投入保障"),
        ("(三)", "健全实施机制"),
        ("(四)", "注重评估宣传"),
    ]
    assert hainan.guarantee_measures[0].body.startswith("召开海南省人民政府与国家知识产权局")


def test_hainan_task_text(hainan: ParsedPlan) -> None:
    task5 = hainan.tasks[4]
    # The source breaks this task's line inside `调解`; the text is whole again.
    assert "开展涉外知识产权争议案件的仲裁与调解。支持海南" in task5.text
    assert task5.text.endswith("支撑高水平对外开放。")
    task9 = hainan.tasks[8]
    # Layout spaces inside quotes (`“标志 —产品 …”`) are dropped.
    assert "探索“标志—产品—品牌—产业”发展路径" in task9.text


# --- Hunan ---------------------------------------------------------------------------------


def test_hunan_document(hunan: ParsedPlan) -> None:
    assert hunan.title == "湖南省人民政府国家知识产权局共建“三高四新”知识产权强省实施方案"
    assert hunan.doc_number is None
    assert hunan.issued_on == date(2022, 7, 25)
    assert hunan.published_on is None
    assert hunan.region == "湖南省"
    assert hunan.issuers == ["湖南省人民政府", "国家知识产权局"]
    assert hunan.kind == "joint"
    assert hunan.indicators == []
    assert hunan.warnings == []


def test_hunan_sections(hunan: ParsedPlan) -> None:
    assert sections_of(hunan) == HUNAN_SECTIONS


def test_hunan_has_twelve_tasks(hunan: ParsedPlan) -> None:
    assert [t.number for t in hunan.tasks] == list(range(1, 13))


@pytest.mark.parametrize("expected", HUNAN_TASKS, ids=lambda t: t.label)
def test_hunan_task(hunan: ParsedPlan, expected: Task) -> None:
    assert tasks_of(hunan)[expected.number - 1] == expected


def test_hunan_guarantee_measures(hunan: ParsedPlan) -> None:
    assert [(g.label, g.title) for g in hunan.guarantee_measures] == [
        ("(一)", "加强组织领导"),
        ("(二)", "强化条件保障"),
        ("(三)", "健全实施机制"),
        ("(四)", "注重评估宣传"),
    ]


def test_hunan_note_is_not_in_the_text(hunan: ParsedPlan) -> None:
    for task in hunan.tasks:
        assert "[(" not in task.text
        assert "按职责分工负责" not in task.text
    assert hunan.tasks[0].text.endswith("全面支撑“三高四新”知识产权强省建设。")


# --- Weihai --------------------------------------------------------------------------------


def test_weihai_document(weihai: ParsedPlan) -> None:
    assert weihai.title == (
        "关于贯彻落实《山东省知识产权强省建设纲要(2021—2035年)》"
        "全面促进知识产权高质量发展的实施意见"
    )
    assert weihai.doc_number is None
    assert weihai.issued_on is None
    assert weihai.issuers == []
    # No issuer: the city comes from the units (`市公安局`, `威海市…`), the province from the
    # text (`《山东省知识产权强省建设纲要…》`).
    assert weihai.region == "山东省威海市"
    assert weihai.kind == "implementation"
    assert weihai.warnings == [
        "未识别出发文单位 / the issuers were not recognised",
        "未识别出成文日期 / the issue date was not recognised",
        "方案所属地区由文中单位名称推断为“山东省威海市” / region inferred from the units named "
        "in the text: 山东省威海市",
    ]


def test_weihai_sections(weihai: ParsedPlan) -> None:
    assert sections_of(weihai) == WEIHAI_SECTIONS


def test_weihai_has_fourteen_tasks(weihai: ParsedPlan) -> None:
    assert [t.number for t in weihai.tasks] == list(range(1, 15))


@pytest.mark.parametrize("expected", WEIHAI_TASKS, ids=lambda t: t.label)
def test_weihai_task(weihai: ParsedPlan, expected: Task) -> None:
    assert tasks_of(weihai)[expected.number - 1] == expected


def test_weihai_guarantee_measures(weihai: ParsedPlan) -> None:
    assert [(g.label, g.title) for g in weihai.guarantee_measures] == [
        ("(一)", "加强组织领导"),
        ("(二)", "加强要素保障"),
        ("(三)", "加强考核评估"),
    ]


def test_weihai_indicators(weihai: ParsedPlan) -> None:
    assert [(i.name, i.target, i.unit, i.year) for i in weihai.indicators] == [
        ("社会满意度", Decimal("80"), "分", 2025),
        ("每万人口高价值发明专利拥有量", Decimal("10.2"), "件", 2025),
        ("商标有效注册量", Decimal("80000"), "件", 2025),  # 8万件
        ("马德里商标国际注册总量", Decimal("170"), "件", 2025),
        ("作品著作权登记量", Decimal("2400"), "件", 2025),  # 0.24万件
    ]
    assert weihai.indicators[2].written == "商标有效注册量达到8万件"


# --- all three -----------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["hainan", "hunan", "weihai"])
def test_responsibility_order_is_as_written(fixture: str, request: pytest.FixtureRequest) -> None:
    plan: ParsedPlan = request.getfixturevalue(fixture)
    for task in plan.tasks:
        assert [r.order for r in task.responsibilities] == list(
            range(1, len(task.responsibilities) + 1)
        )


@pytest.mark.parametrize("fixture", ["hainan", "hunan", "weihai"])
def test_task_text_is_the_body(fixture: str, request: pytest.FixtureRequest) -> None:
    plan: ParsedPlan = request.getfixturevalue(fixture)
    flat = "".join(seed_text(SEED_FILES[fixture]).split())
    for task in plan.tasks:
        assert task.title and task.text
        assert not task.text.startswith(task.title)
        assert task.text.endswith("。")
        assert "责任单位" not in task.text
        # title, `。` and body are one stretch of the source, layout spaces aside
        assert f"{task.title}。{task.text}" in flat


def test_json_shape(hainan: ParsedPlan) -> None:
    data = hainan.to_json_dict()
    assert list(data) == [
        "title",
        "doc_number",
        "issued_on",
        "region",
        "issuers",
        "sections",
        "tasks",
        "indicators",
        "guarantee_measures",
        "warnings",
    ]
    assert data["issued_on"] == "2022-11-07"
    assert data["sections"][2] == {
        "label": "(一)",
        "title": "聚焦全面深化改革，以体制机制改革创新为重点，共同打造知识产权制度集成创新策源地",
        "parent": "二、",
    }
    task = data["tasks"][5]
    assert list(task) == [
        "number",
        "label",
        "section",
        "title",
        "text",
        "non_exhaustive",
        "responsibilities",
    ]
    assert task["number"] == 6
    assert task["responsibilities"][0] == {
        "written": "国家知识产权局运用促进司",
        "agency": "国家知识产权局运用促进司",
        "side": "nipa",
        "role": "lead",
    }
    assert data["guarantee_measures"][0] == {"label": "(一)", "title": "加强组织领导"}


def test_json_indicator_numbers(weihai: ParsedPlan) -> None:
    indicators = weihai.to_json_dict()["indicators"]
    assert indicators[1] == {
        "name": "每万人口高价值发明专利拥有量",
        "target": 10.2,
        "unit": "件",
        "year": 2025,
    }
    assert indicators[2]["target"] == 80000
    assert isinstance(indicators[2]["target"], int)
