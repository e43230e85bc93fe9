"""Writes of 管理 → 本地区单位: confirm (待核实), rename, aliases, robot webhook, the name-variant
table, and the merge of two agencies. Each checks the actor's scope (agencies.rules) and the
current state, runs in one transaction, records its timeline event where the domain has one,
and writes one ADMINISTRATION entry to the security log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, UniqueConstraint
from django.utils.translation import gettext as _

from agencies import rules
from agencies.models import Agency, AgencyAlias, NameVariant, Region
from agencies.rules import User
from dashboards.models import NIGHTLY, Rollup
from dashboards.rollup_gather import COUNT_FIELDS
from ops.page_cache import data_changed, rollups_changed
from security.models import Kind
from security.services import security_event_record
from tasks.events import event_record
from tasks.models import Event, EventKind

NAME_MAX = Agency._meta.get_field("name").max_length
SHORT_MAX = Agency._meta.get_field("short_name").max_length
VARIANT_MAX = NameVariant._meta.get_field("variant").max_length


# --- shared by the agency and collective services ----------------------------------------


def administration_log(*, actor: User, action: str, target: Any, **detail: Any) -> None:
    """The security log's entry for an administrative change: who did what to which agency."""
    entry = {"action": action, "target_id": target.pk, "target": str(target), **detail}
    security_event_record(kind=Kind.ADMINISTRATION, user=actor, detail=entry)


def require_administrator(actor: User) -> None:
    if not rules.can_administer(actor):
        raise PermissionDenied(_("只有管理员可以执行此操作。"))


def require_in_scope(*, actor: User, agency: Agency, field: str = "agency") -> None:
    require_administrator(actor)
    if not rules.administered_agencies(actor).filter(pk=agency.pk).exists():
        message = _("单位“%(name)s”不在您的管理范围内。") % {"name": agency.name}
        raise ValidationError({field: message})


def _text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    if len(text) > max_length:
        message = _("%(label)s过长，最多 %(n)d 个字。") % {"label": label, "n": max_length}
        raise ValidationError({field: message})
    return text


# --- confirm, rename, webhook --------------------------------------------------------------


def agency_confirm(*, actor: User, agency: Agency) -> Agency:
    """待核实 → confirmed: the administrator vouches that the imported name is a real agency."""
    require_in_scope(actor=actor, agency=agency)
    with transaction.atomic():
        if not Agency.objects.filter(pk=agency.pk, needs_review=True).update(needs_review=False):
            raise ValidationError({"agency": _("单位“%(name)s”已核实。") % {"name": agency.name}})
        data_changed()
        event_record(
            actor=actor, kind=EventKind.AGENCY_CONFIRMED, agency=agency, to_value=agency.name
        )
        administration_log(actor=actor, action="agency_confirm", target=agency)
    agency.needs_review = False
    return agency


def agency_rename(*, actor: User, agency: Agency, name: str, short_name: str) -> Agency:
    """A new full name (unique across all agencies) and short name."""
    require_in_scope(actor=actor, agency=agency)
    name = _text(name, field="name", label=_("全称"), max_length=NAME_MAX)
    short_name = _text(
        short_name, field="short_name", label=_("简称"), max_length=SHORT_MAX, required=False
    )
    with transaction.atomic():
        current = Agency.objects.select_for_update().get(pk=agency.pk)
        if (current.name, current.short_name) == (name, short_name):
            raise ValidationError({"name": _("名称没有变化。")})
        if Agency.objects.filter(name=name).exclude(pk=agency.pk).exists():
            message = _("已有名为“%(name)s”的单位：如为同一单位，请使用“合并”。") % {"name": name}
            raise ValidationError({"name": message})
        Agency.objects.filter(pk=agency.pk).update(name=name, short_name=short_name)
        data_changed()
        administration_log(
            actor=actor,
            action="agency_rename",
            target=agency,
            before={"name": current.name, "short_name": current.short_name},
            after={"name": name, "short_name": short_name},
        )
    agency.name, agency.short_name = name, short_name
    return agency


def agency_set_webhook(*, actor: User, agency: Agency, url: str) -> Agency:
    """The WeCom/DingTalk group robot the agency's notices go to; empty removes it."""
    require_in_scope(actor=actor, agency=agency)
    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["https"])(url)
        except ValidationError:
            message = _("机器人通知地址须为 https:// 开头的有效网址。")
            raise ValidationError({"webhook_url": message}) from None
        if len(url) > Agency._meta.get_field("webhook_url").max_length:
            raise ValidationError({"webhook_url": _("机器人通知地址过长。")})
    with transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(webhook_url=url)
        data_changed()
        # The address itself is a credential of the group robot: the log names no more than
        # whether one is set.
        administration_log(actor=actor, action="agency_webhook", target=agency, set=bool(url))
    agency.webhook_url = url
    return agency


# --- aliases -------------------------------------------------------------------------------


def alias_add(*, actor: User, agency: Agency, region: Region, name: str) -> AgencyAlias:
    """A written form (`省知识产权局`) that means this agency in documents of `region`."""
    require_in_scope(actor=actor, agency=agency)
    if not rules.administered_agencies(actor).filter(region=region).exists():
        message = _("行政区域“%(name)s”不在您的管理范围内。") % {"name": region.name}
        raise ValidationError({"region": message})
    name = _text(name, field="name", label=_("写法"), max_length=NAME_MAX)
    with transaction.atomic():
        taken = AgencyAlias.objects.filter(region=region, name=name).select_related("agency")
        if taken:
            message = _("“%(name)s”在%(region)s已指向“%(agency)s”。") % {
                "name": name,
                "region": region.name,
                "agency": taken[0].agency.name,
            }
            raise ValidationError({"name": message})
        alias = AgencyAlias.objects.create(region=region, name=name, agency=agency)
        administration_log(
            actor=actor, action="alias_add", target=agency, alias=name, region=region.name
        )
    return alias


def alias_remove(*, actor: User, alias: AgencyAlias) -> None:
    require_in_scope(actor=actor, agency=alias.agency)
    with transaction.atomic():
        AgencyAlias.objects.filter(pk=alias.pk).delete()
        administration_log(
            actor=actor,
            action="alias_remove",
            target=alias.agency,
            alias=alias.name,
            region=alias.region.name,
        )


# --- the name-variant table (省高院 → 省高级人民法院) ---------------------------------------


def name_variant_add(*, actor: User, variant: str, canonical: str) -> NameVariant:
    require_administrator(actor)
    variant = _text(variant, field="variant", label=_("简写"), max_length=VARIANT_MAX)
    canonical = _text(canonical, field="canonical", label=_("全称写法"), max_length=VARIANT_MAX)
    if variant == canonical:
        raise ValidationError({"canonical": _("全称写法不能与简写相同。")})
    with transaction.atomic():
        if NameVariant.objects.filter(variant=variant).exists():
            raise ValidationError({"variant": _("简写“%(v)s”已在表中。") % {"v": variant}})
        if NameVariant.objects.filter(variant=canonical).exists():
            message = _("“%(v)s”本身是表中的简写，请填写它的全称写法。") % {"v": canonical}
            raise ValidationError({"canonical": message})
        row = NameVariant.objects.create(variant=variant, canonical=canonical)
        administration_log(actor=actor, action="name_variant_add", target=row)
    return row


def name_variant_remove(*, actor: User, row: NameVariant) -> None:
    require_administrator(actor)
    with transaction.atomic():
        NameVariant.objects.filter(pk=row.pk).delete()
        administration_log(actor=actor, action="name_variant_remove", target=row)


# --- merge ---------------------------------------------------------------------------------

# Tables where the same fact under both agencies is one fact: the other's duplicate row is
# dropped (a user liaison of both stays liaison of the survivor; a meeting both attended).
# Many-to-many tables (auto-created) are of this kind too. Anywhere else a duplicate is a
# conflict the administrator must resolve first.
_DEDUPLICATED = frozenset({"agencies.Membership"})
# Rows that are history and keep naming the merged agency: the append-only timeline (a
# trigger refuses to rewrite it) and rollups (nightly ones are merged apart, frozen ones stay).
_HISTORY = (Event, Rollup)


def agency_merge(*, actor: User, survivor: Agency, other: Agency) -> dict[str, int]:
    """Every row that points at `other` moves to `survivor`, which keeps its name; `other`'s
    name becomes an alias of the survivor in its region, and `other` is deleted. One
    transaction, one timeline event; nothing is written if any move would collide."""
    require_in_scope(actor=actor, agency=survivor, field="survivor")
    require_in_scope(actor=actor, agency=other, field="other")
    if survivor.pk == other.pk:
        raise ValidationError({"other": _("单位不能与自身合并。")})
    with transaction.atomic():
        locked = Agency.objects.select_for_update().in_bulk([survivor.pk, other.pk])
        survivor, other = locked[survivor.pk], locked[other.pk]
        conflicts = _merge_conflicts(survivor, other)
        if conflicts:
            head = _("无法合并“%(other)s”与“%(survivor)s”：") % {
                "other": other.name,
                "survivor": survivor.name,
            }
            raise ValidationError({"other": [head, *conflicts]})
        moved = _merge_rows(survivor, other)
        _merge_leftovers(survivor, other)
        data_changed()
        event_record(
            actor=actor,
            kind=EventKind.AGENCY_MERGED,
            agency=survivor,
            from_value=other.name,
            to_value=survivor.name,
            data={
                "survivor": {"id": survivor.pk, "name": survivor.name},
                "merged": {"id": other.pk, "name": other.name},
                "moved": moved,
            },
        )
        administration_log(
            actor=actor,
            action="agency_merge",
            target=survivor,
            merged={"id": other.pk, "name": other.name},
            moved=moved,
        )
    return moved


def _agency_foreign_keys() -> list[models.ForeignKey]:
    """Every foreign key to Agency: hidden ones (related_name "+") and the tables of
    many-to-many fields included, so no new relation is ever forgotten by a merge."""
    return [
        rel.field
        for rel in Agency._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and rel.one_to_many
    ]


def _clashes(field: models.ForeignKey, survivor: Agency, other: Agency) -> models.QuerySet:
    """`other`'s rows that would break a unique constraint once pointed at `survivor`."""
    model = field.model
    keys = [(c.fields, c.condition) for c in model._meta.constraints if _unique(c)]
    keys += [(fields, None) for fields in model._meta.unique_together]
    found = Q(pk__in=[])
    for fields, condition in keys:
        if field.name not in fields:
            continue
        rest = {name: OuterRef(name) for name in fields if name != field.name}
        theirs = model._base_manager.filter(**{field.name: survivor}, **rest)
        match = Q(Exists(theirs.filter(condition) if condition else theirs))
        found |= match & condition if condition else match
    return model._base_manager.filter(found, **{field.name: other})


def _unique(constraint: object) -> bool:
    return isinstance(constraint, UniqueConstraint) and bool(constraint.fields)


def _merge_conflicts(survivor: Agency, other: Agency) -> list[str]:
    conflicts = []
    for field in _agency_foreign_keys():
        label = field.model._meta.label
        if field.model._meta.auto_created or label in _DEDUPLICATED or field.model in _HISTORY:
            continue
        conflicts += [_describe(row) for row in _clashes(field, survivor, other)]
    return conflicts


def _describe(row: Any) -> str:
    """A conflict as the administrator finds it: the task (and period) both agencies carry."""
    label = row._meta.label
    if label == "tasks.Responsibility":
        return _("两家单位都承担任务 %(task)s（%(plan)s）") % {
            "task": f"{row.task.label}{row.task.title}",
            "plan": row.task.plan.title,
        }
    if label == "reports.ProgressReport":
        return _("两家单位都有任务 %(task)s 在“%(period)s”的进展报告（%(plan)s）") % {
            "task": row.task.label + row.task.title,
            "period": row.period.label,
            "plan": row.task.plan.title,
        }
    return f"{row._meta.verbose_name}: {row}"


def _merge_rows(survivor: Agency, other: Agency) -> dict[str, int]:
    """Moves every row; returns how many per table (verbose names would change with the
    language: the table labels are stored)."""
    moved: dict[str, int] = {}
    _rollups_merge(survivor, other, moved)
    for field in _agency_foreign_keys():
        model = field.model
        if model in _HISTORY:
            continue
        label = model._meta.label
        if model._meta.auto_created or label in _DEDUPLICATED:
            _clashes(field, survivor, other).delete()
        count = model._base_manager.filter(**{field.name: other}).update(**{field.name: survivor})
        if count:
            key = f"{label}.{field.name}"
            moved[key] = moved.get(key, 0) + count
    return moved


def _rollups_merge(survivor: Agency, other: Agency, moved: dict[str, int]) -> None:
    """The other's nightly agency rows join the survivor's trend: where both have a row for
    the same plan and date their counts add up (they carried no task in common, or the merge
    was refused), elsewhere the row becomes the survivor's."""
    mine = Rollup.objects.filter(
        agency=survivor, batch=OuterRef("batch"), plan=OuterRef("plan"), as_of=OuterRef("as_of")
    )
    rows = Rollup.objects.filter(agency=other, batch=NIGHTLY)
    theirs = rows.filter(batch=OuterRef("batch"), plan=OuterRef("plan"), as_of=OuterRef("as_of"))
    Rollup.objects.filter(Exists(theirs), agency=survivor).update(
        **{name: F(name) + Subquery(theirs.values(name)[:1]) for name in COUNT_FIELDS}
    )
    dropped = rows.filter(Exists(mine)).delete()[0]
    count = rows.update(agency=survivor, scope_key=f"agency:{survivor.pk}")
    if dropped or count:
        moved["dashboards.Rollup.agency"] = dropped + count
        rollups_changed()


def _merge_leftovers(survivor: Agency, other: Agency) -> None:
    """What pointed from the survivor to the other now points at itself: undone. The other's
    names become aliases of the survivor, its robot is kept if the survivor had none."""
    Agency.objects.filter(pk=survivor.pk, parent=survivor).update(parent=other.parent_id)
    Agency.objects.filter(pk=survivor.pk, parent=survivor).update(parent=None)
    Agency.objects.filter(pk=survivor.pk, reporter=survivor).update(reporter=None)
    survivor.members.remove(survivor)
    if not survivor.webhook_url and other.webhook_url:
        Agency.objects.filter(pk=survivor.pk).update(webhook_url=other.webhook_url)
    # History (events, frozen rollups) cannot be rewritten: the other stays, marked merged.
    if Event.objects.filter(agency=other).exists() or Rollup.objects.filter(agency=other).exists():
        Agency.objects.filter(pk=other.pk).update(merged_into=survivor, needs_review=False)
    else:
        Agency.objects.filter(pk=other.pk).delete()
    for name in {other.name, other.short_name} - {"", survivor.name}:
        AgencyAlias.objects.get_or_create(
            region_id=other.region_id, name=name, defaults={"agency": survivor}
        )
