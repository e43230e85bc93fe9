"""Resolving agency names as written in a plan to agencies, within the plan's region.

Documents name agencies relative to their issuer: `省知识产权局` in a Hainan plan is the Hainan
office. The parser turns a written name into a canonical candidate (`海南省知识产权局`); here the
candidate and the written form are looked up in the alias table of the plan's region and its
ancestors (a city's plan may name its province's offices), then among canonical names. A name
never matches an alias of another region.

Short forms are compared through the name variants (`agencies.NameVariant`: 高院 → 高级人民法院,
市场监管局 → 市场监督管理局): when no name matches as written, names of the region, its
ancestors and NIPA match after every variant is replaced by its full form (and a leading `中共`
dropped), so `海南省高院` finds 海南省高级法院.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from agencies.models import Agency, AgencyAlias, NameVariant, Region


@dataclass(frozen=True)
class VariantKey:
    """Names with every known short form replaced by its full form: a comparison key."""

    pattern: re.Pattern[str] | None
    full: dict[str, str]

    @classmethod
    def load(cls) -> VariantKey:
        pairs = dict(NameVariant.objects.values_list("variant", "canonical"))
        forms = {v: c for v, c in pairs.items() if v} | {c: c for c in pairs.values() if c}
        if not forms:
            return cls(None, {})
        # Longest first: a full form (`人民检察院`) is kept whole before a short one inside it.
        alternatives = sorted(forms, key=len, reverse=True)
        return cls(re.compile("|".join(map(re.escape, alternatives))), forms)

    def __call__(self, name: str) -> str:
        key = name.removeprefix("中共")
        if self.pattern is None:
            return key
        return self.pattern.sub(lambda m: self.full[m.group(0)], key)


@dataclass
class AgencyResolver:
    """Answers lookups for one region from a few queries, however many names a plan has."""

    region: Region
    _aliases: dict[str, Agency] = field(default_factory=dict)
    _by_name: dict[str, Agency] = field(default_factory=dict)
    _by_key: dict[str, Agency] = field(default_factory=dict)
    _key: VariantKey = field(default_factory=lambda: VariantKey(None, {}))
    _pool: dict[str, Agency] | None = None

    @classmethod
    def for_region(cls, region: Region, *, candidates: list[str]) -> AgencyResolver:
        resolver = cls(region=region, _key=VariantKey.load())
        resolver._by_name = {
            a.name: a for a in Agency.objects.filter(name__in=candidates, merged_into__isnull=True)
        }
        lineage = region.lineage()
        national = Region.objects.filter(parent__isnull=True, level="national").first()
        if national is not None and national not in lineage:
            lineage.append(national)
        rank = {r.pk: i for i, r in enumerate(lineage)}
        aliases = AgencyAlias.objects.filter(region__in=lineage).select_related("agency")
        # Nearest region first: a city's own alias wins over its province's.
        for alias in sorted(aliases, key=lambda a: rank[a.region_id], reverse=True):
            resolver._aliases[alias.name] = alias.agency
        # Confirmed agencies win over ones still 待核实 when two share a key.
        pool = Agency.objects.filter(region__in=lineage, merged_into__isnull=True).order_by(
            "-needs_review", "pk"
        )
        for agency in pool:
            resolver._by_key[resolver._key(agency.name)] = agency
        for name, agency in resolver._aliases.items():
            resolver._by_key.setdefault(resolver._key(name), agency)
        return resolver

    def resolve(self, *, candidate: str, written: str = "") -> Agency | None:
        for name in (candidate, written):
            if name and name in self._aliases:
                return self._aliases[name]
        if candidate in self._by_name:
            return self._by_name[candidate]
        return self._by_key.get(self._key(candidate))

    def suggestions(self, *, candidate: str, limit: int = 3) -> list[Agency]:
        """Agencies of the region (and NIPA) whose names look like an unknown name."""
        if self._pool is None:
            # Read once per resolver: a preview asks for every unknown name of the plan.
            pool = Agency.objects.filter(
                region__in=self.region.lineage(), merged_into__isnull=True
            ).only("id", "name", "needs_review")
            self._pool = {a.name: a for a in pool}
        close = difflib.get_close_matches(candidate, list(self._pool), n=limit, cutoff=0.5)
        return [self._pool[n] for n in close]
