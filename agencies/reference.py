"""Reference data every installation starts with: the regions of China at provincial level,
and NIPA (国家知识产权局) with the departments the plans name, with the ways they are written.

Loaded by migration 0002 and safe to load again (see `reference_data_load`).
"""

from __future__ import annotations

NATIONAL_REGION = "全国"
NIPA = "国家知识产权局"

# Provincial-level regions with their ISO 3166-2:CN codes (used in plan codes: `hi-2022`).
PROVINCES: dict[str, str] = {
    "北京市": "bj", "天津市": "tj", "河北省": "he", "山西省": "sx", "内蒙古自治区": "nm",
    "辽宁省": "ln", "吉林省": "jl", "黑龙江省": "hl", "上海市": "sh", "江苏省": "js",
    "浙江省": "zj", "安徽省": "ah", "福建省": "fj", "江西省": "jx", "山东省": "sd",
    "河南省": "ha", "湖北省": "hb", "湖南省": "hn", "广东省": "gd", "广西壮族自治区": "gx",
    "海南省": "hi", "重庆市": "cq", "四川省": "sc", "贵州省": "gz", "云南省": "yn",
    "西藏自治区": "xz", "陕西省": "sn", "甘肃省": "gs", "青海省": "qh",
    "宁夏回族自治区": "nx", "新疆维吾尔自治区": "xj", "香港特别行政区": "hk",
    "澳门特别行政区": "mo", "台湾省": "tw",
}  # fmt: skip

# canonical name → other ways documents write it (short names, without the NIPA prefix)
NIPA_UNITS: dict[str, list[str]] = {
    "国家知识产权局办公室": ["办公室"],
    "国家知识产权局条法司": ["条法司"],
    "国家知识产权局战略规划司": ["战略规划司"],
    "国家知识产权局知识产权保护司": ["保护司", "知识产权保护司", "国家知识产权局保护司"],
    "国家知识产权局知识产权运用促进司": [
        "运用促进司", "知识产权运用促进司", "国家知识产权局运用促进司",
    ],
    "国家知识产权局公共服务司": ["公共服务司"],
    "国家知识产权局国际合作司": ["国际合作司", "国际合作司(港澳台办公室)"],
    "国家知识产权局人事司": ["人事司"],
    "国家知识产权局机关党委": ["机关党委"],
    "国家知识产权局专利局": ["专利局"],
    "国家知识产权局商标局": ["商标局"],
}  # fmt: skip


def reference_data_load(*, region_model, agency_model, alias_model) -> None:
    """Create what is missing; touch nothing that exists. Models are passed in so the
    migration can use its historical models."""
    national, _ = region_model.objects.get_or_create(
        name=NATIONAL_REGION, defaults={"level": "national", "code": "cn"}
    )
    for name, code in PROVINCES.items():
        region_model.objects.get_or_create(
            name=name, defaults={"level": "provincial", "parent": national, "code": code}
        )
    nipa, _ = agency_model.objects.get_or_create(
        name=NIPA,
        defaults={"short_name": NIPA, "level": "national", "side": "nipa", "region": national},
    )
    for name, aliases in NIPA_UNITS.items():
        unit, _ = agency_model.objects.get_or_create(
            name=name,
            defaults={
                "short_name": aliases[0],
                "level": "national",
                "side": "nipa",
                "region": national,
                "parent": nipa,
            },
        )
        for alias in aliases:
            alias_model.objects.get_or_create(
                region=national, name=alias, defaults={"agency": unit}
            )
