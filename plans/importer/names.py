"""Agency names as documents write them, and the canonical name candidates they stand for.

Documents name agencies relative to their issuer: in a Hainan plan `省知识产权局` is
`海南省知识产权局`; in a Weihai plan `市公安局` is `威海市公安局`; NIPA departments appear with
or without the `国家知识产权局` prefix. The functions here turn a written name into a canonical
*candidate*; the database layer resolves candidates through its alias table.

Regions are written as the full administrative path, province first: `海南省`, `湖南省`,
`山东省威海市` (a city with its province), `北京市海淀区`. :class:`ParsedRegion` holds the parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Side = Literal["nipa", "local"]

PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区", "台湾省",
)  # fmt: skip

_PROVINCE_SHORT = {
    p: re.sub(r"(壮族|回族|维吾尔)?(自治区|特别行政区|省|市)$", "", p) for p in PROVINCES
}
MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})

NIPA = "国家知识产权局"
# Bodies directly under NIPA that are not written with its prefix.
NIPA_AFFILIATES = frozenset(
    {
        "中国专利保护协会", "中国知识产权研究会", "中国知识产权报社", "知识产权出版社",
        "中国专利信息中心", "中国知识产权培训中心", "知识产权发展研究中心",
        "中国专利技术开发公司", "国家海外知识产权纠纷应对指导中心", "中华商标协会",
    }
)  # fmt: skip
_NIPA_PREFIXES = (NIPA, "国知局", "专利局", "商标局", "国务院知识产权战略实施工作部际联席会议")
_LOCAL_PREFIXES = ("省", "市", "县", "区", "自治区", "各", "全省", "全市", "中共", "共青团")
_LOCAL_MARKERS = (
    "人民政府", "政府", "法院", "检察院", "海关", "公安", "银行", "公司", "集团", "大学",
    "学院", "厅", "监管局", "管委会", "专班",
)  # fmt: skip
_NOT_CITIES = frozenset({"城市", "都市", "超市", "各市", "全市", "本市", "我市", "该市", "市市"})

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Drop layout whitespace (also inside words, as PDF line breaks leave it); keep one space
    only between two ASCII letters or digits, where it separates words."""
    text = text.replace("\u200b", "").replace("\ufeff", "")

    def keep(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        before = match.string[start - 1] if start else ""
        after = match.string[end] if end < len(match.string) else ""
        if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
            return " "
        return ""

    return _SPACE.sub(keep, text).strip()


@dataclass(frozen=True)
class ParsedRegion:
    """An administrative area as the full path of its parts; any part may be missing."""

    province: str | None = None
    city: str | None = None
    county: str | None = None

    @property
    def name(self) -> str:
        """`海南省`, `山东省威海市`: the representation used in ``ParsedPlan.region``."""
        return "".join(p for p in (self.province, self.city, self.county) if p)

    @property
    def local_name(self) -> str:
        """The innermost part: `威海市` for `山东省威海市`."""
        return self.county or self.city or self.province or ""

    @property
    def level(self) -> str:
        if self.county:
            return "county"
        if self.city:
            return "municipal"
        return "provincial"

    @property
    def short_names(self) -> tuple[str, ...]:
        """Names a document uses for places of this region: `海南`, `威海`."""
        out: list[str] = []
        if self.province:
            out += [self.province, _PROVINCE_SHORT.get(self.province, self.province)]
        for part in (self.city, self.county):
            if part:
                out += [part, re.sub(r"(市|县|区|州|盟|旗)$", "", part)]
        return tuple(s for s in out if len(s) >= 2)

    def __str__(self) -> str:
        return self.name


_CITY = re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:自治州|地区|盟|市|州))")
_COUNTY = re.compile(r"^([\u4e00-\u9fff]{1,6}?(?:自治县|县|区|市|旗))")


def province_prefix(text: str) -> str | None:
    """The province a text starts with, full name (`海南省` for `海南省…` or `海南…`)."""
    for province in PROVINCES:
        if text.startswith(province):
            return province
    for province, short in _PROVINCE_SHORT.items():
        if text.startswith(short) and len(short) >= 2:
            return province
    return None


def region_from_name(name: str) -> ParsedRegion:
    """Parse `山东省威海市`, `威海市`, `海南省`, `北京市海淀区` into parts."""
    rest = squash(name)
    province = None
    for candidate in PROVINCES:
        if rest.startswith(candidate):
            province, rest = candidate, rest[len(candidate) :]
            break
    city = county = None
    if province not in MUNICIPALITIES:
        match = _CITY.match(rest)
        if match and match.group(1) not in _NOT_CITIES:
            city, rest = match.group(1), rest[match.end() :]
    match = _COUNTY.match(rest)
    if match and (city or province):
        county = match.group(1)
    if province is None and city is None and county is None and rest:
        city = rest  # an unknown form: keep it whole rather than lose it
    return ParsedRegion(province=province, city=city, county=county)


def region_from_org(org: str) -> ParsedRegion | None:
    """The region an issuing body belongs to: `海南省人民政府` → 海南省, `威海市人民政府` →
    威海市 (province unknown here). None for NIPA or a name without a place."""
    text = squash(org)
    if side_hint(text) == "nipa":
        return None
    text = text.removeprefix("中共")
    province = None
    for candidate in PROVINCES:
        if text.startswith(candidate):
            province, text = candidate, text[len(candidate) :]
            break
    city = None
    if province not in MUNICIPALITIES:
        match = _CITY.match(text)
        if match and match.group(1) not in _NOT_CITIES and not match.group(1).startswith("市"):
            city = match.group(1)
    if province is None and city is None:
        return None
    return ParsedRegion(province=province, city=city)


def side_hint(name: str, *, region: ParsedRegion | None = None) -> Side | None:
    """ "nipa" or "local" when the name alone says so; None for a bare `办公室`, `联席办`, `审业部`
    whose side only its neighbours in the list tell."""
    n = squash(name)
    if not n:
        return None
    if n.startswith(_NIPA_PREFIXES) or n in NIPA_AFFILIATES:
        return "nipa"
    if n.endswith("司") and not n.endswith("公司"):
        return "nipa"
    if n.startswith(_LOCAL_PREFIXES) or any(m in n for m in _LOCAL_MARKERS):
        return "local"
    places = [s for p in PROVINCES for s in (p, _PROVINCE_SHORT[p]) if len(s) >= 2]
    if region is not None:
        places += region.short_names
    if any(place in n for place in places):
        return "local"
    return None


def agency_side(name: str) -> Side:
    """The side of a name on its own; names that do not say default to "local"."""
    return side_hint(name) or "local"


def relative_prefix(name: str) -> str | None:
    """The relative prefix (`省`, `市`, `县`, `区`, `自治区`) a name starts with, if any."""
    n = squash(name)
    if n.startswith("自治区"):
        return "自治区"
    if n.startswith("市场") and not n.startswith("市市场"):
        return None
    if n.startswith("省会"):
        return None
    for prefix in ("省", "市", "县", "区"):
        if n.startswith(prefix):
            return prefix
    return None


_COLLECTIVE = re.compile(
    r"^(全省|全市|全县|全区)?各"  # 各市县, 各市（州）人民政府, 各有关单位, 各设区市知识产权局
    r"|成员单位$|成员$"  # …联席会议各成员单位, …专项小组成员
    r"|(有关|相关|其他|其它)(部门|单位|机构)$"  # 省直有关部门, 其他相关单位
    r"|^(省|市)?(市县|县市|县区|区县|县市区|区市)(人民)?政府$"  # 市县政府
)


def is_collective_name(name: str) -> bool:
    """Whether a written name stands for a group of units rather than one agency: `各市县`,
    `各市县政府`, `各市（州）人民政府`, `…联席会议各成员单位`, `…专项小组成员`, `各有关单位`."""
    return bool(_COLLECTIVE.search(squash(name)))


def canonical_agency_name(*, written: str, region: ParsedRegion | str | None, side: str) -> str:
    """The canonical candidate for a written name, relative to the plan's region.

    NIPA side: `运用促进司` and `国家知识产权局运用促进司` → `国家知识产权局运用促进司`;
    `商标局` → `国家知识产权局商标局`; a bare `审业部` (the Patent Office's departments are
    部) → `国家知识产权局专利局审业部`. Local side: `省知识产权局` → `海南省知识产权局`,
    `市公安局` → `威海市公安局`, `各市县` → `海南省各市县`; other names stay as written. A
    relative name the region cannot complete (`市公安局` in a provincial plan) stays as written.
    """
    n = squash(written)
    if not n:
        return n
    if side == "nipa":
        return _nipa_canonical(n)
    if isinstance(region, str):
        region = region_from_name(region) if region else None
    if region is None:
        return n
    prefix = relative_prefix(n)
    rest = n[len(prefix) :] if prefix else n
    province, city, county = region.province, region.city, region.county
    if prefix == "自治区" and province and province.endswith("自治区"):
        return province + rest
    if prefix == "省" and province and province.endswith("省"):
        return province + rest
    if prefix == "市":
        if city and city.endswith("市"):
            return city + rest
        if province in MUNICIPALITIES and not city:
            return province + rest
    if prefix in ("县", "区") and county and county.endswith(prefix):
        return county + rest
    if n.startswith("各") and region.local_name:
        return region.local_name + n
    return n


def _nipa_canonical(n: str) -> str:
    if n.startswith(NIPA):
        return n
    if n.startswith("国知局"):
        return NIPA + n[3:]
    if n.startswith(("专利局", "商标局")):
        return NIPA + n
    if n in NIPA_AFFILIATES or n.startswith(("中国", "国家", "国务院")):
        return n
    if n.endswith("部"):
        return NIPA + "专利局" + n
    return NIPA + n


_ISSUER = re.compile(
    r".+?(?:人民政府(?:办公厅|办公室)?|政府(?:办公厅|办公室)?|知识产权局|委员会"
    r"|委(?:办公厅|办公室)?|办公厅|办公室|局|厅|院|部|署|中心)"
)


def split_issuers(text: str) -> list[str]:
    """`海南省人民政府国家知识产权局` → [`海南省人民政府`, `国家知识产权局`]; spaces and `、`
    also separate issuers."""
    out: list[str] = []
    for chunk in re.split(r"[\s、，,]+", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        pos = 0
        for match in _ISSUER.finditer(chunk):
            out.append(match.group(0))
            pos = match.end()
        if pos < len(chunk):
            tail = chunk[pos:]
            if out and pos:
                out[-1] += tail
            else:
                out.append(tail)
    return out
