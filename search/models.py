"""The search index: one row per searchable thing a user may find.

The rows are derived data: `search.indexing` writes them from the source models (signal
receivers for single saves, `manage.py search_reindex` for bulk loads) and nothing else
reads the source models' text for search. On PostgreSQL the migration adds two things the
model does not declare, because SQLite (the embedded demo) cannot hold them:

- `vector`, a stored generated `tsvector` (config 'simple', since the words are already
  segmented by jieba): the title words with weight A, the body words with weight D; GIN.
- a `pg_trgm` GIN index on `title`, for short and partial queries (one character, a part
  of a word the segmenter does not cut out).

The selectors reach `vector` through raw SQL fragments on PostgreSQL only.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Region
from ops.db import enum_check
from plans.models import Plan


class Kind(models.TextChoices):
    PLAN = "plan", _("方案")
    TASK = "task", _("任务")
    WORK_ITEM = "work_item", _("工作要点")
    DECISION = "decision", _("议定事项")
    TYPICAL_CASE = "typical_case", _("典型案例")
    REPORT = "report", _("进展报告")


# Report-like kinds: visible by the report rule (agency, shared task, led plan), not the plan rule.
REPORT_KINDS = (Kind.REPORT, Kind.TYPICAL_CASE)


class SearchEntry(models.Model):
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    # Indexed by (plan, kind) below, which serves a plan_id lookup too.
    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Plain ids, not foreign keys: the receivers delete a task's or a report's rows
    # themselves, and a cascade would make Django collect these rows before every delete.
    task_id = models.BigIntegerField(_("任务编号"), null=True, blank=True)
    # The reporting agency of a report or typical case: the report visibility rule reads it.
    agency_id = models.BigIntegerField(_("单位编号"), null=True, blank=True)
    # The id the result's page is found by when it is not the object's own: a decision's
    # meeting (a decision has no page of its own).
    link_id = models.BigIntegerField(_("链接编号"), null=True, blank=True)
    # The plan's province (a city plan's province, not the city): the region filter.
    region = models.ForeignKey(
        Region, verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=16, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    # The text the snippet is cut from (the first few thousand characters of the body).
    body = models.TextField(_("正文"), blank=True)
    # Segmented words, space-joined with a space at both ends (" 地理标志 保护 "), so the
    # SQLite fallback finds a whole word with icontains(" word ").
    title_words = models.TextField(_("标题分词"), blank=True)
    words = models.TextField(_("正文分词"), blank=True)
    updated_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique"),
            enum_check(field="kind", choices=Kind, name="search_entry_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["plan", "kind"], name="search_entry_plan_idx"),
            # The report visibility rule's branches (my agency's tasks, my agency's own
            # reports), per kind: a typical-case search reads typical cases only, not every
            # report of the tasks.
            models.Index(fields=["task_id", "kind"], name="search_entry_task_kind_idx"),
            models.Index(fields=["agency_id", "kind"], name="search_entry_agency_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"
