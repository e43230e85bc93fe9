"""Resolving agency names as written in a plan to agencies, within the plan's region.

Documents name agencies relative to their issuer: `省知识产权局` in a Hainan plan is the Hainan
office. The parser turns a written name into a canonical candidate (`海南省知识产权局`); here the
candidate and the written form are looked up in the alias table of the plan's region and its
ancestors (a city's plan may name its province's offices), then among canonical names. A name
never matches an alias of another region.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from agencies.models import Agency, AgencyAlias, Region


@dataclass
class AgencyResolver:
    """Answers lookups for one region from two queries, however many names a plan has."""

    region: Region
    _aliases: dict[str, Agency] = field(default_factory=dict)
    _by_name: dict[str, Agency] = field(default_factory=dict)

    @classmethod
    def for_region(cls, region: Region, *, candidates: list[str]) -> AgencyResolver:
        resolver = cls(region=region)
        resolver._by_name = {a.name: a for a in Agency.objects.filter(name__in=candidates)}
        lineage = region.lineage()
        national = Region.objects.filter(parent__isnull=True, level="national").first()
        if national is not None and national not in lineage:
            lineage.append(national)
        rank = {r.pk: i for i, r in enumerate(lineage)}
        aliases = AgencyAlias.objects.filter(region__in=lineage).select_related("agency")
        # Nearest region first: a city's own alias wins over its province's.
        for alias in sorted(aliases, key=lambda a: rank[a.region_id], reverse=True):
            resolver._aliases[alias.name] = alias.agency
        return resolver

    def resolve(self, *, candidate: str, written: str = "") -> Agency | None:
        for name in (candidate, written):
            if name and name in self._aliases:
                return self._aliases[name]
        return self._by_name.get(candidate)

    def suggestions(self, *, candidate: str, limit: int = 3) -> list[Agency]:
        """Agencies of the region (and NIPA) whose names look like an unknown name."""
        pool = Agency.objects.filter(region__in=self.region.lineage()).only("id", "name")
        names = {a.name: a for a in pool}
        close = difflib.get_close_matches(candidate, list(names), n=limit, cutoff=0.5)
        return [names[n] for n in close]
