"""Agency names relative to the issuer, sides, regions and issuers."""

from __future__ import annotations

import pytest

from plans.importer.names import (
    ParsedRegion,
    agency_side,
    canonical_agency_name,
    region_from_name,
    region_from_org,
    side_hint,
    split_issuers,
    squash,
)

HAINAN = ParsedRegion(province="海南省")
WEIHAI = ParsedRegion(province="山东省", city="威海市")


@pytest.mark.parametrize(
    ("written", "region", "expected"),
    [
        ("省知识产权局", HAINAN, "海南省知识产权局"),
        ("省委编办", HAINAN, "海南省委编办"),
        ("各市县政府", HAINAN, "海南省各市县政府"),
        ("三亚市政府", HAINAN, "三亚市政府"),
        ("湖南省知识产权局", "湖南省", "湖南省知识产权局"),
        ("省高级人民法院", "湖南省", "湖南省高级人民法院"),
        ("市公安局", WEIHAI, "威海市公安局"),
        ("市市场监管局", WEIHAI, "威海市市场监管局"),
        ("省知识产权局", WEIHAI, "山东省知识产权局"),  # a city plan naming its province
        ("各区市", WEIHAI, "威海市各区市"),
        ("威海海关", WEIHAI, "威海海关"),
        ("市公安局", "山东省威海市", "威海市公安局"),
        ("市公安局", HAINAN, "市公安局"),  # which city? left as written
        ("市知识产权局", "北京市", "北京市知识产权局"),
        ("区市场监管局", "北京市海淀区", "海淀区市场监管局"),
        ("自治区知识产权局", "广西壮族自治区", "广西壮族自治区知识产权局"),
        ("市场监管总局", WEIHAI, "市场监管总局"),  # `市场…` is no relative `市`
        ("省 知识产\n权局", HAINAN, "海南省知识产权局"),  # line-break artefacts
        ("省知识产权局", None, "省知识产权局"),
    ],
)
def test_local_canonical_names(
    written: str, region: ParsedRegion | str | None, expected: str
) -> None:
    assert canonical_agency_name(written=written, region=region, side="local") == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("运用促进司", "国家知识产权局运用促进司"),
        ("国家知识产权局运用促进司", "国家知识产权局运用促进司"),
        ("办公室", "国家知识产权局办公室"),
        ("联席办", "国家知识产权局联席办"),
        ("商标局", "国家知识产权局商标局"),
        ("专利局审业部", "国家知识产权局专利局审业部"),
        ("审业部", "国家知识产权局专利局审业部"),
        ("国知局保护司", "国家知识产权局保护司"),
        ("中国专利保护协会", "中国专利保护协会"),
        ("国家知识产权局", "国家知识产权局"),
    ],
)
def test_nipa_canonical_names(written: str, expected: str) -> None:
    assert canonical_agency_name(written=written, region=HAINAN, side="nipa") == expected


@pytest.mark.parametrize(
    ("name", "side"),
    [
        ("国家知识产权局", "nipa"),
        ("国家知识产权局办公室", "nipa"),
        ("运用促进司", "nipa"),
        ("专利局人事教育部", "nipa"),
        ("商标局", "nipa"),
        ("中国专利保护协会", "nipa"),
        ("省知识产权局", "local"),
        ("省农垦投资控股集团有限公司", "local"),  # …公司 is no NIPA 司
        ("海口海关", "local"),
        ("证监会海南监管局", "local"),
        ("人民银行长沙中心支行", "local"),
        ("中国(湖南)自由贸易试验区工作办公室", "local"),
        ("市法院", "local"),
        ("各有关市州人民政府", "local"),
    ],
)
def test_sides(name: str, side: str) -> None:
    assert agency_side(name) == side


@pytest.mark.parametrize("name", ["办公室", "联席办", "帮扶办", "审业部"])
def test_bare_names_take_the_side_of_their_neighbours(name: str) -> None:
    assert side_hint(name) is None
    assert agency_side(name) == "local"


def test_region_names_the_city_of_the_plan() -> None:
    assert side_hint("威海银保监分局") is None
    assert side_hint("威海银保监分局", region=WEIHAI) == "local"


@pytest.mark.parametrize(
    ("name", "parts", "full", "local"),
    [
        ("海南省", ("海南省", None, None), "海南省", "海南省"),
        ("山东省威海市", ("山东省", "威海市", None), "山东省威海市", "威海市"),
        ("威海市", (None, "威海市", None), "威海市", "威海市"),
        ("北京市海淀区", ("北京市", None, "海淀区"), "北京市海淀区", "海淀区"),
        ("山东省威海市荣成市", ("山东省", "威海市", "荣成市"), "山东省威海市荣成市", "荣成市"),
    ],
)
def test_regions(
    name: str, parts: tuple[str | None, str | None, str | None], full: str, local: str
) -> None:
    region = region_from_name(name)
    assert (region.province, region.city, region.county) == parts
    assert region.name == full
    assert region.local_name == local


@pytest.mark.parametrize(
    ("org", "region"),
    [
        ("海南省人民政府", "海南省"),
        ("湖南省人民政府", "湖南省"),
        ("威海市人民政府", "威海市"),
        ("中共山东省委", "山东省"),
        ("湖南省市场监督管理局", "湖南省"),
    ],
)
def test_region_of_an_issuer(org: str, region: str) -> None:
    parsed = region_from_org(org)
    assert parsed is not None
    assert parsed.name == region


def test_nipa_has_no_region() -> None:
    assert region_from_org("国家知识产权局") is None


@pytest.mark.parametrize(
    ("text", "issuers"),
    [
        ("海南省人民政府国家知识产权局", ["海南省人民政府", "国家知识产权局"]),
        ("湖南省人民政府 国家知识产权局", ["湖南省人民政府", "国家知识产权局"]),
        ("浙江省人民政府　　国家知识产权局", ["浙江省人民政府", "国家知识产权局"]),
        (
            "中共威海市委办公室、威海市人民政府办公室",
            ["中共威海市委办公室", "威海市人民政府办公室"],
        ),
    ],
)
def test_split_issuers(text: str, issuers: list[str]) -> None:
    assert split_issuers(text) == issuers


def test_squash_keeps_spaces_between_latin_words_only() -> None:
    assert squash("聚焦践行 “两山 ”理念") == "聚焦践行“两山”理念"
    assert squash("World Intellectual Property 组织\n") == "World Intellectual Property组织"
