"""Reference data every installation starts with: the regions of China at provincial level,
and NIPA (国家知识产权局) with the departments the plans name, with the ways they are written.

Loaded by migration 0002 and safe to load again (see `reference_data_load`).
"""

from __future__ import annotations

NATIONAL_REGION = "全国"
NIPA = "国家知识产权局"

PROVINCES = [
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区", "台湾省",
]  # fmt: skip

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
        name=NATIONAL_REGION, defaults={"level": "national"}
    )
    for name in PROVINCES:
        region_model.objects.get_or_create(
            name=name, defaults={"level": "provincial", "parent": national}
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
