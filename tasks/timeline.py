"""The timeline read as sentences: each event said in the user's language (状态由“未启动”改为
“正常推进”, 报告已退回：…, 标记为典型案例), for the pages and for the audit export.

Values stored as codes (statuses, report and extension states, roles) are shown by their
labels. Report states live in `reports`, above this app: they are mapped here by their
values, never imported. A kind without a sentence of its own (the 督办 steps, any kind added
later) reads from its label, its values and its reason, so nothing shows as a raw code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

# Django's gettext, looked up once per message while a page's fragment renders (a timeline
# repeats the same few sentences); makemessages reads `_("…")` as ever.
from ops.translations import gettext as _
from ops.translations import label as kept_label
from tasks.models import Event, EventKind, ExtensionState, ResponsibilityRole, Status
from tasks.services.work_items import FIELD_LABELS as WORK_ITEM_FIELDS

# reports.models.ReportState, by value (the app sits above this one).
REPORT_STATES = {
    "draft": gettext_lazy("草稿"),
    "submitted": gettext_lazy("已提交"),
    "returned": gettext_lazy("已退回"),
    "accepted": gettext_lazy("已采纳"),
}
# supervision.models.RecipientState, by value (that app sits above this one).
SUPERVISION_STATES = {
    "issued": gettext_lazy("已交办"),
    "acknowledged": gettext_lazy("已签收"),
    "responded": gettext_lazy("已反馈"),
    "closed": gettext_lazy("已办结"),
    "returned": gettext_lazy("已退回"),
}
# reports.models.ReportingPeriod's fields, by name.
PERIOD_FIELDS = {
    "label": gettext_lazy("名称"),
    "starts_on": gettext_lazy("起始日期"),
    "ends_on": gettext_lazy("截止日期"),
    "opens_on": gettext_lazy("开放报送日期"),
    "due_on": gettext_lazy("报送截止日期"),
}
_ROLE_CODE = re.compile(r"\((lead|co|responsible)\)")


# Each stored code's label, in the order a code is looked up: an enum's `values` and `label`
# build its choices again on every call (~25 µs a label, two a status change).
_VALUE_LABELS = {
    **SUPERVISION_STATES,
    **REPORT_STATES,
    **dict(ExtensionState.choices),
    **dict(Status.choices),
}


def value_label(value: str) -> str:
    """A stored code by its label (状态, 报告状态, 延期审批); anything else as it is."""
    text = _VALUE_LABELS.get(value)
    return value if text is None else kept_label(text)


def _from_label(event: Event) -> str:
    return str(event.data.get("from_label") or value_label(event.from_value))


def _to_label(event: Event) -> str:
    return str(event.data.get("to_label") or value_label(event.to_value))


def _roles(text: str) -> str:
    """`海南省商务厅(co)` (as plan revisions record it) → `海南省商务厅（配合）`."""
    return _ROLE_CODE.sub(lambda m: f"（{ResponsibilityRole(m.group(1)).label}）", text)


def _changed(old: str, new: str) -> str:
    if not old:
        return _("设为“%(to)s”") % {"to": new or "—"}
    return _("由“%(from)s”改为“%(to)s”") % {"from": old, "to": new or "—"}


def _field_changed(field: object, old: str, new: str) -> str:
    return _("%(field)s%(change)s") % {"field": field, "change": _changed(old, new)}


def _who(event: Event) -> str:
    """The report an event is about: its agency and period."""
    data = event.data
    if data.get("agency") and data.get("period"):
        return f"{data['agency']} · {data['period']}"
    report = event.report if event.report_id else None
    return f"{report.agency.name} · {report.period.label}" if report else "—"


# --- one function per kind ----------------------------------------------------------------


def _status(event: Event) -> str:
    return _("状态%(change)s") % {"change": _changed(_from_label(event), _to_label(event))}


def _report_state(event: Event) -> str:
    who, to = _who(event), event.to_value
    if to == "submitted":
        if event.from_value == "returned":
            return _("报告已重新提交（%(who)s）") % {"who": who}
        return _("报告已提交（%(who)s）") % {"who": who}
    if to == "returned":
        if event.reason:
            return _("报告已退回（%(who)s）：%(reason)s") % {"who": who, "reason": event.reason}
        return _("报告已退回（%(who)s）") % {"who": who}
    if to == "accepted":
        return _("报告已采纳（%(who)s）") % {"who": who}
    change = _changed(_from_label(event), _to_label(event))
    return _("报告状态%(change)s（%(who)s）") % {"change": change, "who": who}


def _flagged(event: Event) -> str:
    if event.to_value == "True":
        return _("标记为典型案例（%(who)s）") % {"who": _who(event)}
    return _("取消典型案例（%(who)s）") % {"who": _who(event)}


def _attachment(event: Event) -> str:
    values = {"file": event.data.get("file") or event.to_value or event.from_value or "—"}
    values["who"] = _who(event)
    if event.kind == EventKind.ATTACHMENT_ADDED:
        return _("佐证材料已上传：%(file)s（%(who)s）") % values
    return _("佐证材料已删除：%(file)s（%(who)s）") % values


def _work_item_created(event: Event) -> str:
    data = event.data
    text = _("新建工作要点“%(title)s”") % {"title": event.to_value}
    if data.get("due_on"):
        text += _("，完成时限 %(due)s") % {"due": data["due_on"]}
    if data.get("agencies"):
        text += _("，责任单位：%(names)s") % {"names": "、".join(data["agencies"])}
    return text


def _work_item_changed(event: Event) -> str:
    parts = []
    for field, pair in event.data.items():
        if field not in WORK_ITEM_FIELDS or not isinstance(pair, list) or len(pair) != 2:
            continue
        old, new = (("、".join(v) if isinstance(v, list) else str(v)) for v in pair)
        parts.append(_field_changed(WORK_ITEM_FIELDS[field], old, new))
    if not parts:
        return _("修改工作要点：%(change)s") % {
            "change": _changed(event.from_value, event.to_value)
        }
    return _("修改工作要点：%(changes)s") % {"changes": "；".join(parts)}


def _work_item_closed(event: Event) -> str:
    return _("工作要点已办结")


def _extension_requested(event: Event) -> str:
    values = {"agency": event.data.get("agency") or "—", "from": event.from_value}
    values["to"] = event.to_value
    return _("%(agency)s申请将完成时限由 %(from)s 延至 %(to)s") % values


def _extension_decided(event: Event) -> str:
    if event.to_value == ExtensionState.GRANTED:
        before = event.data.get("due_on_before") or "—"
        after = event.data.get("due_on_after") or "—"
        return _("同意延期：完成时限由 %(from)s 改为 %(to)s") % {"from": before, "to": after}
    if event.to_value == ExtensionState.REFUSED:
        return _("不同意延期")
    return _("延期申请%(change)s") % {"change": _changed(_from_label(event), _to_label(event))}


def _responsibility(event: Event) -> str:
    old, new = _roles(event.from_value), _roles(event.to_value)
    if "lead" in event.data:
        return _("牵头单位%(change)s") % {"change": _changed(old, new)}
    return _("责任分工%(change)s") % {"change": _changed(old, new)}


def _deadline(event: Event) -> str:
    if not event.to_value:
        return _("取消完成时限（原为 %(from)s）") % {"from": event.from_value or "—"}
    return _("完成时限%(change)s") % {"change": _changed(event.from_value, event.to_value)}


def _indicator(event: Event) -> str:
    if not event.from_value:
        return _("填报指标实际值：%(to)s") % {"to": event.to_value}
    return _("指标实际值%(change)s") % {"change": _changed(event.from_value, event.to_value)}


def _plan_imported(event: Event) -> str:
    tasks = event.data.get("tasks")
    if isinstance(tasks, int):
        return _("导入方案《%(title)s》，共 %(n)d 项任务") % {"title": event.to_value, "n": tasks}
    return _("导入方案《%(title)s》") % {"title": event.to_value}


def _plan_revised(event: Event) -> str:
    changes = event.data.get("changes") or []
    text = _("按新文本修订方案《%(title)s》") % {"title": event.to_value}
    return text + ("：" + "；".join(str(c) for c in changes) if changes else "")


def _commented(event: Event) -> str:
    return _("发表了评论")


def _frozen(event: Event) -> str:
    return _("冻结会议统计数据（截至 %(date)s）") % {"date": event.to_value}


def _agency_confirmed(event: Event) -> str:
    return _("核实单位“%(name)s”") % {"name": event.to_value}


def _agency_merged(event: Event) -> str:
    return _("将“%(from)s”合并入“%(to)s”") % {"from": event.from_value, "to": event.to_value}


def _collective(event: Event) -> str:
    values = {"name": event.from_value, "to": event.to_value}
    if event.data.get("reporter") and not event.data.get("members"):
        return _("集合单位“%(name)s”由 %(to)s 代为报送") % values
    if event.to_value in ("", "—"):
        return _("取消集合单位“%(name)s”的分解") % values
    return _("集合单位“%(name)s”分解为：%(to)s") % values


def _meeting_created(event: Event) -> str:
    values = {"title": event.to_value, "date": event.data.get("held_on") or "—"}
    return _("创建会议“%(title)s”（%(date)s）") % values


def _decision(event: Event) -> str:
    data = event.data
    values = {"meeting": data.get("meeting_title") or "—", "n": data.get("order") or 0}
    values["text"] = event.to_value
    text = _("会议“%(meeting)s”议定事项第 %(n)d 项：%(text)s") % values
    if data.get("due_on"):
        text += _("，完成时限 %(due)s") % {"due": data["due_on"]}
    return text


def _formats(event: Event) -> str:
    return "、".join(str(f).upper() for f in event.data.get("formats") or []) or "—"


def _pack(event: Event) -> str:
    values = {"formats": _formats(event), "title": event.data.get("meeting_title") or ""}
    if event.kind == EventKind.PACK_REQUESTED:
        if values["title"]:
            return _("申请生成会议“%(title)s”的会议材料（%(formats)s）") % values
        return _("申请生成会议材料（%(formats)s）") % values
    if values["title"]:
        return _("会议“%(title)s”的会议材料已生成（%(formats)s）") % values
    return _("会议材料已生成（%(formats)s）") % values


def _periods_created(event: Event) -> str:
    labels = event.data.get("labels") or [event.to_value]
    return _("新建报送周期：%(labels)s") % {"labels": "、".join(str(x) for x in labels)}


def _period_changed(event: Event) -> str:
    parts = []
    for field, label in PERIOD_FIELDS.items():
        pair = event.data.get(field)
        if isinstance(pair, list) and len(pair) == 2:
            parts.append(_field_changed(label, str(pair[0]), str(pair[1])))
    values = {"label": event.from_value or event.to_value, "changes": "；".join(parts) or "—"}
    return _("修改报送周期“%(label)s”：%(changes)s") % values


def _generic(event: Event) -> str:
    """Any other kind (the 督办 steps among them): its label, then what changed."""
    kind = event.get_kind_display()
    old, new = _from_label(event), _to_label(event)
    if old and new:
        return _("%(kind)s：由“%(from)s”改为“%(to)s”") % {"kind": kind, "from": old, "to": new}
    if new or old:
        return _("%(kind)s：%(value)s") % {"kind": kind, "value": new or old}
    return str(kind)


SENTENCES: dict[str, Callable[[Event], str]] = {
    EventKind.PLAN_IMPORTED: _plan_imported,
    EventKind.PLAN_REVISED: _plan_revised,
    EventKind.STATUS_CHANGED: _status,
    EventKind.RESPONSIBILITY_CHANGED: _responsibility,
    EventKind.WORK_ITEM_CREATED: _work_item_created,
    EventKind.WORK_ITEM_CHANGED: _work_item_changed,
    EventKind.WORK_ITEM_CLOSED: _work_item_closed,
    EventKind.EXTENSION_REQUESTED: _extension_requested,
    EventKind.EXTENSION_DECIDED: _extension_decided,
    EventKind.REPORT_STATE_CHANGED: _report_state,
    EventKind.REPORT_FLAGGED: _flagged,
    EventKind.COMMENTED: _commented,
    EventKind.ROLLUP_FROZEN: _frozen,
    EventKind.AGENCY_CONFIRMED: _agency_confirmed,
    EventKind.AGENCY_MERGED: _agency_merged,
    EventKind.COLLECTIVE_MAPPED: _collective,
    EventKind.DEADLINE_CHANGED: _deadline,
    EventKind.INDICATOR_VALUE: _indicator,
    EventKind.ATTACHMENT_ADDED: _attachment,
    EventKind.ATTACHMENT_REMOVED: _attachment,
    EventKind.MEETING_CREATED: _meeting_created,
    EventKind.DECISION_RECORDED: _decision,
    EventKind.PACK_REQUESTED: _pack,
    EventKind.PACK_DONE: _pack,
    EventKind.PERIODS_CREATED: _periods_created,
    EventKind.PERIOD_CHANGED: _period_changed,
}


def event_sentence(event: Event) -> str:
    """The event as one sentence in the active language."""
    return SENTENCES.get(event.kind, _generic)(event)


def event_note(event: Event) -> str:
    """The reason or comment shown under the sentence ("" when the sentence says it)."""
    if event.kind == EventKind.REPORT_STATE_CHANGED and event.to_value == "returned":
        return ""
    return event.reason


# --- the audit export -----------------------------------------------------------------------


def export_headers() -> list[str]:
    return [
        _("时间"),
        _("操作人"),
        _("类型"),
        _("任务"),
        _("内容"),
        _("变更前"),
        _("变更后"),
        _("原因"),
    ]


def export_rows(events: Iterable[Event]) -> Iterable[list[Any]]:
    """One row per event: who, when, the kind's label, the sentence, from, to and why."""
    for event in events:
        actor = event.actor
        yield [
            timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            (actor.get_full_name() or actor.get_username()) if actor else _("系统"),
            str(event.get_kind_display()),
            event.task.label if event.task_id else "",
            event_sentence(event),
            _from_label(event),
            _to_label(event),
            event.reason,
        ]
