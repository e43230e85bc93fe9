"""The plan's side of importing an official document: the preview (names resolved, changes
listed), and the writes of the document itself (region, agencies, the plan row, sections,
indicators, guarantee measures). The tasks and their responsibilities are written by
`tasks/services/plan_import.py`, which runs the whole import in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyAlias, Level, Region, Side
from plans.importer.parse import ParsedPlan
from plans.models import GuaranteeMeasure, Indicator, Plan, PlanKind, Section, SectionKind
from plans.resolve import AgencyResolver


class PlanImportError(Exception):
    """A document that cannot become a plan; the message is for the user."""


@dataclass
class ResolvedName:
    written: str
    candidate: str
    side: str
    agency: Agency | None
    suggestions: list[Agency] = field(default_factory=list)
    collective: bool = False  # 各市县, …各成员单位: a group, written like an agency

    @property
    def is_known(self) -> bool:
        return self.agency is not None and not self.agency.needs_review

    @property
    def in_review(self) -> bool:
        """It matches an existing agency that is still 待核实."""
        return self.agency is not None and self.agency.needs_review

    @property
    def choices(self) -> list[Agency]:
        """The agencies the coordinator may pick, the matching one first (preselected)."""
        first = [self.agency] if self.agency is not None else []
        return first + [a for a in self.suggestions if a not in first]


@dataclass
class ImportPreview:
    parsed: ParsedPlan
    sha256: str
    region: Region | None
    names: dict[tuple[str, str], ResolvedName]
    existing: Plan | None
    unchanged: bool
    changes: list[str]

    @property
    def unknown_names(self) -> list[ResolvedName]:
        return [n for n in self.names.values() if not n.is_known]

    def agency_name(self, *, written: str, candidate: str) -> str:
        resolved = self.names.get((written, candidate))
        return resolved.agency.name if resolved and resolved.agency else candidate

    def to_json_dict(self) -> dict:
        data = self.parsed.to_json_dict()
        for task in data["tasks"]:
            for resp in task["responsibilities"]:
                resp["agency"] = self.agency_name(written=resp["written"], candidate=resp["agency"])
        if self.region is not None:
            data["region"] = self.region.name
        return data


def document_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _region_for(parsed: ParsedPlan) -> Region | None:
    if not parsed.region:
        return None
    return Region.objects.filter(name=parsed.region).first()


def _known_ancestor(parsed: ParsedPlan) -> Region | None:
    parts = parsed.region_parts
    if parts is None or not parts.province:
        return Region.objects.filter(name="全国").first()
    return Region.objects.filter(name=parts.province).first()


def _find_existing(parsed: ParsedPlan, sha: str, region: Region | None) -> Plan | None:
    same = Plan.objects.filter(source_sha256=sha).first()
    if same is not None:
        return same
    if parsed.doc_number:
        by_number = Plan.objects.filter(doc_number=parsed.doc_number).first()
        if by_number is not None:
            return by_number
    if parsed.title and region is not None:
        return Plan.objects.filter(title=parsed.title, region=region).first()
    return None


def plan_preview(*, parsed: ParsedPlan, text: str) -> ImportPreview:
    """Resolve names and compare with an existing plan; reads only."""
    sha = document_sha256(text)
    region = _region_for(parsed)
    names: dict[tuple[str, str], ResolvedName] = {}
    resps = [r for t in parsed.tasks for r in t.responsibilities]
    # A city met for the first time resolves names within its province (and NIPA).
    lookup = region or _known_ancestor(parsed)
    resolver = (
        AgencyResolver.for_region(lookup, candidates=[r.name for r in resps]) if lookup else None
    )
    for r in resps:
        if (r.written, r.name) in names:
            continue
        agency = resolver.resolve(candidate=r.name, written=r.written) if resolver else None
        review = agency is None or agency.needs_review
        suggestions = resolver.suggestions(candidate=r.name) if resolver and review else []
        names[(r.written, r.name)] = ResolvedName(
            r.written, r.name, r.side, agency, suggestions, r.collective
        )
    existing = _find_existing(parsed, sha, region)
    unchanged = existing is not None and existing.source_sha256 == sha
    changes = [] if existing is None or unchanged else _plan_changes(existing, parsed, names)
    return ImportPreview(parsed, sha, region, names, existing, unchanged, changes)


def _plan_changes(
    plan: Plan, parsed: ParsedPlan, names: dict[tuple[str, str], ResolvedName]
) -> list[str]:
    """What a revision would change, in words a coordinator reads before confirming."""
    changes: list[str] = []
    if plan.title != parsed.title and parsed.title:
        changes.append(_("标题：%(old)s → %(new)s") % {"old": plan.title, "new": parsed.title})
    current = {t.number: t for t in plan.tasks.prefetch_related("responsibilities__agency")}
    for ptask in parsed.tasks:
        task = current.pop(ptask.number, None)
        if task is None:
            changes.append(
                _("新增任务 %(label)s%(title)s") % {"label": ptask.label, "title": ptask.title}
            )
            continue
        if task.title != ptask.title:
            changes.append(
                _("任务 %(label)s 标题：%(old)s → %(new)s")
                % {"label": task.label, "old": task.title, "new": ptask.title}
            )
        if task.body != ptask.text:
            changes.append(_("任务 %(label)s 正文有修改") % {"label": task.label})
        old = [(r.agency.name, r.role) for r in task.responsibilities.all()]
        new = [(_resolved_name(names, r.written, r.name), r.role) for r in ptask.responsibilities]
        if old != new:
            changes.append(_("任务 %(label)s 责任分工有修改") % {"label": task.label})
    for task in current.values():
        changes.append(
            _("任务 %(label)s%(title)s 不在新文本中（保留，不删除）")
            % {"label": task.label, "title": task.title}
        )
    return changes


def _resolved_name(names: dict[tuple[str, str], ResolvedName], written: str, cand: str) -> str:
    resolved = names.get((written, cand))
    return resolved.agency.name if resolved and resolved.agency else cand


# --- writing ----------------------------------------------------------------------------


def plan_import_prepare(
    *, preview: ImportPreview, actor: AbstractBaseUser | None, name_choices: dict[str, int] | None
) -> tuple[Region, dict[tuple[str, str], Agency]]:
    """The region and an agency for every name, the coordinator's corrections applied."""
    region = _region_ensure(preview.parsed)
    if name_choices is not None and actor is not None:
        unknown_names_map(preview=preview, actor=actor, choices=name_choices)
    return region, _agencies_ensure(preview, region)


def plan_document_create(
    *,
    preview: ImportPreview,
    text: str,
    actor: AbstractBaseUser | None,
    region: Region,
    agencies: dict[tuple[str, str], Agency],
    lead_agency: Agency | None,
    kind: str | None,
) -> tuple[Plan, dict[str, Section]]:
    """The plan row with its sections, indicators and guarantee measures."""
    parsed = preview.parsed
    period_start, period_end = _period(parsed)
    plan = Plan.objects.create(
        code=_plan_code(parsed, region, period_start),
        title=parsed.title or _("未命名方案"),
        kind=kind or parsed.kind or PlanKind.JOINT,
        issuers=list(parsed.issuers),
        doc_number=parsed.doc_number or "",
        issued_on=parsed.issued_on,
        region=region,
        lead_agency=lead_agency or _lead_agency(preview, agencies),
        period_start=period_start,
        period_end=period_end,
        source_text=text,
        source_sha256=preview.sha256,
        imported_by=actor,
    )
    sections = _sections_write(plan, parsed)
    _indicators_write(plan, parsed)
    _guarantees_write(plan, parsed)
    return plan, sections


def plan_document_revise(*, plan: Plan, preview: ImportPreview, text: str) -> dict[str, Section]:
    """Update the plan row, indicators and guarantee measures in place from a new text."""
    parsed = preview.parsed
    plan.title = parsed.title or plan.title
    plan.source_text = text
    plan.source_sha256 = preview.sha256
    if parsed.doc_number:
        plan.doc_number = parsed.doc_number
    if parsed.issued_on:
        plan.issued_on = parsed.issued_on
    plan.save()
    _indicators_write(plan, parsed)
    _guarantees_write(plan, parsed)
    return {section.label: section for section in plan.sections.all()}


def _plan_code(parsed: ParsedPlan, region: Region, period_start: int) -> str:
    """A short readable code: the province's ISO code and the first year (`hi-2022`)."""
    province = next((r for r in reversed(region.lineage()) if r.code and r.code != "cn"), None)
    base = f"{province.code if province else 'cn'}-{period_start}"
    if region.level in (Level.MUNICIPAL, Level.COUNTY):
        base = f"{base}-{region.level[:4]}"
    code, n = base, 2
    while Plan.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


def _region_ensure(parsed: ParsedPlan) -> Region:
    """The plan's region; a city or county below a known province is created on first use
    under its full path name (`山东省威海市`), so names never clash across provinces."""
    if not parsed.region:
        raise PlanImportError(_("无法从文件中识别所属地区，请指定地区（--region）。"))
    region = Region.objects.filter(name=parsed.region).first()
    if region is not None:
        return region
    parts = parsed.region_parts
    if parts is not None and parts.name != parsed.region:
        parts = None  # a region given by hand that the parser could not place
    province = Region.objects.filter(name=parts.province).first() if parts else None
    if parts is None or province is None:
        raise PlanImportError(
            _("未知地区“%(region)s”，请先由管理员添加该行政区域。") % {"region": parsed.region}
        )
    parent = province
    if parts.city:
        parent, _created = Region.objects.get_or_create(
            name=f"{parts.province}{parts.city}",
            defaults={"level": Level.MUNICIPAL, "parent": province},
        )
    if parts.county:
        parent, _created = Region.objects.get_or_create(
            name=parsed.region, defaults={"level": Level.COUNTY, "parent": parent}
        )
    return parent


def _agencies_ensure(preview: ImportPreview, region: Region) -> dict[tuple[str, str], Agency]:
    """Every name resolves to an agency; unknown ones are created marked for review. A name the
    parser found collective (各市县, …各成员单位) is a collective unit, new or existing."""
    national = Region.objects.get(name="全国")
    found: dict[tuple[str, str], Agency] = {}
    for key, resolved in preview.names.items():
        agency = resolved.agency
        if agency is None:
            home = national if resolved.side == Side.NIPA else region
            agency, _created = Agency.objects.get_or_create(
                name=resolved.candidate,
                defaults={
                    "region": home,
                    "side": resolved.side,
                    "level": Level.NATIONAL if home == national else region.level,
                    "needs_review": True,
                    "is_collective": resolved.collective,
                },
            )
            resolved.agency = agency
        if resolved.collective and not agency.is_collective:
            agency.is_collective = True
            agency.save(update_fields=["is_collective"])
        if resolved.written and resolved.written != agency.name:
            AgencyAlias.objects.get_or_create(
                region=agency.region if agency.side == Side.NIPA else region,
                name=resolved.written,
                defaults={"agency": agency},
            )
        found[key] = agency
    return found


def _lead_agency(preview: ImportPreview, agencies: dict[tuple[str, str], Agency]) -> Agency:
    """The local agency that leads most tasks; an IP office (…知识产权局) wins a tie, then the
    agency named most often (a plan of 责任单位 lists names no lead)."""
    score: dict[int, tuple[int, int, int]] = {}
    by_id: dict[int, Agency] = {}
    for task in preview.parsed.tasks:
        for resp in task.responsibilities:
            agency = agencies[(resp.written, resp.name)]
            if agency.side != Side.LOCAL:
                continue
            by_id[agency.pk] = agency
            leads, mentions, _office = score.get(agency.pk, (0, 0, 0))
            score[agency.pk] = (
                leads + (resp.role == "lead"),
                mentions + 1,
                int(agency.name.endswith("知识产权局")),
            )
    if not score:
        raise PlanImportError(_("方案中没有地方责任单位，无法确定牵头单位。"))
    best = max(score, key=lambda pk: (score[pk][0], score[pk][2], score[pk][1]))
    return by_id[best]


def _period(parsed: ParsedPlan) -> tuple[int, int]:
    start = parsed.issued_on.year if parsed.issued_on else None
    years = [i.year for i in parsed.indicators if i.year]
    end = max(years) if years else None
    if start is None:
        start = (end - 4) if end else 2022
    if end is None or end < start:
        end = start + 4
    return start, end


def _sections_write(plan: Plan, parsed: ParsedPlan) -> dict[str, Section]:
    """Task groups by label; parents before children, in document order."""
    by_label: dict[str, Section] = {}
    task_sections = {t.section for t in parsed.tasks}
    for order, psec in enumerate(parsed.sections):
        kind = _section_kind(psec.title)
        if psec.label in task_sections and psec.kind != "guarantee":
            kind = SectionKind.TASKS  # a guarantee part holding a task stays a guarantee part
        section = Section.objects.create(
            plan=plan,
            parent=by_label.get(psec.parent) if psec.parent else None,
            label=psec.label,
            title=psec.title,
            kind=kind,
            order=order,
        )
        by_label[psec.label] = section
    return by_label


def _section_kind(title: str) -> str:
    if "保障" in title or "组织实施" in title:
        return SectionKind.GUARANTEE
    if any(word in title for word in ("任务", "内容", "举措")):
        return SectionKind.TASKS
    return SectionKind.GENERAL


def _indicators_write(plan: Plan, parsed: ParsedPlan) -> None:
    for order, ind in enumerate(parsed.indicators):
        Indicator.objects.update_or_create(
            plan=plan,
            name=ind.name,
            defaults={
                "unit": ind.unit,
                "target": ind.target,
                "target_year": ind.year or plan.period_end,
                "baseline": getattr(ind, "baseline", None),
                "order": order,
            },
        )


def _guarantees_write(plan: Plan, parsed: ParsedPlan) -> None:
    plan.guarantee_measures.all().delete()
    for order, measure in enumerate(parsed.guarantee_measures):
        GuaranteeMeasure.objects.create(
            plan=plan,
            label=measure.label,
            title=measure.title,
            body=getattr(measure, "body", ""),
            order=order,
        )


def unknown_names_map(
    *, preview: ImportPreview, actor: AbstractBaseUser, choices: dict[str, int]
) -> None:
    """Apply the coordinator's corrections: an unknown name (by its index in
    `preview.unknown_names`) becomes an alias of an existing agency, within the plan's region,
    so this import and every later one resolve it. Only agencies of the plan's region, its
    ancestors or NIPA may be chosen. A name matched to an agency still 待核实 through another
    written form, left on 新建, becomes an agency of its own."""
    if preview.region is None:
        return
    allowed = Agency.objects.filter(region__in=preview.region.lineage() + _national())
    for index, resolved in enumerate(preview.unknown_names):
        agency_id = choices.get(str(index))
        if agency_id is None:
            if resolved.agency is not None and resolved.agency.name != resolved.candidate:
                resolved.agency = None
            continue
        agency = allowed.filter(pk=agency_id).first()
        if agency is None:
            raise PlanImportError(_("所选单位不在本地区范围内。"))
        for name in {resolved.written, resolved.candidate} - {agency.name, ""}:
            AgencyAlias.objects.update_or_create(
                region=preview.region, name=name, defaults={"agency": agency}
            )
        resolved.agency = agency


def _national() -> list[Region]:
    return list(Region.objects.filter(name="全国"))
