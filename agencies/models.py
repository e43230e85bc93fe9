"""Agencies (单位), regions, aliases and users' memberships with their roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ops.db import enum_check


class Level(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")
    COUNTY = "county", _("县级")


class Side(models.TextChoices):
    NIPA = "nipa", _("国家知识产权局")
    LOCAL = "local", _("地方")


class Region(models.Model):
    """An administrative area: 全国, a province, a city, a county. Aliases resolve within one."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    # A short ASCII code (ISO 3166-2:CN for provinces): plan codes start with it.
    code = models.SlugField(_("代码"), max_length=16, blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["name"]
        constraints = [enum_check(field="level", choices=Level, name="region_level_valid")]

    def __str__(self) -> str:
        return self.name

    def lineage(self) -> list[Region]:
        """This region and its ancestors, nearest first: the order names are resolved in."""
        chain: list[Region] = []
        node: Region | None = self
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain


class Agency(models.Model):
    """A named body: NIPA or one of its departments, a provincial department, a court, a city."""

    name = models.CharField(_("全称"), max_length=200, unique=True)
    short_name = models.CharField(_("简称"), max_length=100, blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    side = models.CharField(_("所属方"), max_length=8, choices=Side.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("行政区域"), on_delete=models.PROTECT, related_name="agencies"
    )
    # Created by the importer from a name it could not resolve: an administrator confirms it.
    needs_review = models.BooleanField(_("待核实"), default=False)
    webhook_url = models.URLField(_("机器人通知地址"), blank=True)
    # 集合单位 (各市县, 各成员单位): written like an agency, but a group. It is never owed a
    # report itself: an administrator lists its members (each then carries the task, see
    # tasks.Responsibility.via_collective) or names the agency that reports for it.
    is_collective = models.BooleanField(_("集合单位"), default=False)
    members = models.ManyToManyField(
        "self",
        verbose_name=_("成员单位"),
        symmetrical=False,
        blank=True,
        related_name="collectives",
    )
    reporter = models.ForeignKey(
        "self",
        verbose_name=_("代为报送单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_for",
    )
    # Merged into another agency but kept, because history still names it: timeline events
    # (append-only) and rollups frozen for a meeting. Every list and lookup leaves it out.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        constraints = [
            enum_check(field="level", choices=Level, name="agency_level_valid"),
            enum_check(field="side", choices=Side, name="agency_side_valid"),
        ]
        indexes = [models.Index(fields=["region", "side"], name="agency_region_side_idx")]

    def __str__(self) -> str:
        return self.name


class AgencyAlias(models.Model):
    """A written name (`省知识产权局`) that means one agency within a region."""

    region = models.ForeignKey(
        Region, verbose_name=_("行政区域"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("写法"), max_length=200)
    agency = models.ForeignKey(
        Agency, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases"
    )

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="alias_unique_in_region")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.agency.name}"


class NameVariant(models.Model):
    """A short form and the full form it stands for in agency names (省高院 → 省高级人民法院,
    市场监管局 → 市场监督管理局): names are compared after replacing variants, so the importer
    resolves every written form to one agency. Administrators extend the table."""

    variant = models.CharField(_("简写"), max_length=50, unique=True)
    canonical = models.CharField(_("全称写法"), max_length=50)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位名称简写")
        verbose_name_plural = _("单位名称简写")
        ordering = ["variant"]

    def __str__(self) -> str:
        return f"{self.variant} → {self.canonical}"


class Profile(models.Model):
    """What the product keeps about a person beyond Django's user: the mobile number (手机)
    of the office's contact list."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    phone = models.CharField(_("手机"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户资料")
        verbose_name_plural = _("用户资料")

    def __str__(self) -> str:
        return f"{self.user} · {self.phone}"


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("协调员")
    LIAISON = "liaison", _("联络员")
    VIEWER = "viewer", _("查看者")
    SECRETARY = "secretary", _("秘书处")
    ADMIN = "admin", _("管理员")


class Membership(models.Model):
    """A user's role in one agency. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("成员角色")
        verbose_name_plural = _("成员角色")
        ordering = ["user__username", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role"
            ),
            enum_check(field="role", choices=Role, name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"
