"""The timeline read as sentences, and the events that were missing from it: evidence added and
removed, meetings, decisions, packs and periods, each with who did it."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from meetings.packs.services import pack_build, pack_part_render, pack_request
from meetings.services import decision_record, meeting_create
from reports.periods import period_schedule_create, period_update
from reports.services import attachment_add, attachment_remove, report_return, report_submit
from tasks.events import event_record
from tasks.models import Event, EventKind, Status
from tasks.timeline import event_note, event_sentence, export_rows, value_label

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _sentence(**fields) -> str:
    return event_sentence(Event(**fields))


# --- sentences --------------------------------------------------------------------------


def test_a_status_change_reads_with_the_labels_in_the_users_language() -> None:
    fields = {"kind": EventKind.STATUS_CHANGED, "from_value": "not_started", "to_value": "on_track"}
    with translation.override("zh-hans"):
        assert _sentence(**fields) == "状态由“未启动”改为“正常推进”"
    with translation.override("en"):
        text = _sentence(**fields)
    assert "Not started" in text and "On track" in text and "not_started" not in text


def test_a_stored_code_reads_as_its_label_the_first_kind_that_has_it_wins() -> None:
    """Statuses, then extension states, then report states, then 督办 states; any other
    value as it is."""
    with translation.override("zh-hans"):
        assert value_label("at_risk") == "存在风险"
        assert value_label("granted") == "已同意"
        assert value_label("returned") == "已退回"  # a report's and a 督办's alike
        assert value_label("acknowledged") == "已签收"
        assert value_label("no_such_code") == "no_such_code"
    with translation.override("en"):
        assert value_label("at_risk") == "At risk"
        assert value_label("granted") == "Granted"
        assert value_label("draft") == "Draft"


def test_report_steps_read_as_what_happened_to_whose_report(world) -> None:
    report = world.report_a1_commerce
    report_submit(actor=world.users["liaison"], report=report, expected_version=report.version)
    report_return(actor=world.users["coordinator"], report=report, reason="缺少佐证材料")
    with translation.override("zh-hans"):
        returned, submitted = (
            event_sentence(e) for e in Event.objects.filter(report=report).order_by("-pk")
        )
    who = f"海南省商务厅 · {report.period.label}"
    assert submitted == f"报告已提交（{who}）"
    assert returned == f"报告已退回（{who}）：缺少佐证材料"
    returned_event = Event.objects.filter(report=report).latest("pk")
    assert event_note(returned_event) == ""  # the reason is in the sentence, not twice


def test_typical_case_flags_read_as_marked_and_unmarked(world) -> None:
    report = world.report_a1_office
    with translation.override("zh-hans"):
        on = _sentence(
            kind=EventKind.REPORT_FLAGGED, report=report, from_value="False", to_value="True"
        )
        off = _sentence(
            kind=EventKind.REPORT_FLAGGED, report=report, from_value="True", to_value="False"
        )
    assert on.startswith("标记为典型案例") and off.startswith("取消典型案例")
    assert "True" not in on + off


def test_every_kind_reads_without_raw_codes() -> None:
    samples = {
        EventKind.EXTENSION_DECIDED: {
            "from_value": "pending",
            "to_value": "granted",
            "data": {"due_on_before": "2025-06-30", "due_on_after": "2025-09-30"},
        },
        EventKind.RESPONSIBILITY_CHANGED: {
            "from_value": "海南省商务厅(co)",
            "to_value": "海南省商务厅(lead)",
        },
        EventKind.WORK_ITEM_CHANGED: {"data": {"due_on": ["2025-06-30", "2025-12-31"]}},
    }
    with translation.override("zh-hans"):
        for kind in EventKind.values:
            text = _sentence(kind=kind, **samples.get(kind, {}))
            assert text and kind not in text, kind
        assert _sentence(
            kind=EventKind.EXTENSION_DECIDED, **samples[EventKind.EXTENSION_DECIDED]
        ) == ("同意延期：完成时限由 2025-06-30 改为 2025-09-30")
        assert "（配合）" in _sentence(
            kind=EventKind.RESPONSIBILITY_CHANGED, **samples[EventKind.RESPONSIBILITY_CHANGED]
        )
        assert _sentence(
            kind=EventKind.WORK_ITEM_CHANGED, **samples[EventKind.WORK_ITEM_CHANGED]
        ) == ("修改工作要点：完成时限由“2025-06-30”改为“2025-12-31”")


def test_a_kind_without_a_sentence_of_its_own_reads_from_its_label_and_values() -> None:
    # The 督办 steps are written by another app: they read generically, codes as labels.
    with translation.override("zh-hans"):
        moved = _sentence(kind="supervision_closed", from_value="submitted", to_value="accepted")
        labelled = _sentence(
            kind="supervision_closed", to_value="closed", data={"to_label": "已办结"}
        )
    assert moved.endswith("由“已提交”改为“已采纳”")
    assert labelled.endswith("：已办结")


def test_supervision_steps_read_with_the_recipient_states_labels() -> None:
    fields = {
        "kind": EventKind.SUPERVISION_ACKNOWLEDGED,
        "from_value": "issued",
        "to_value": "acknowledged",
    }
    with translation.override("zh-hans"):
        assert _sentence(**fields).endswith("由“已交办”改为“已签收”")


# --- what is recorded now -----------------------------------------------------------------


def test_evidence_added_and_removed_is_on_the_timeline_with_its_uploader(world) -> None:
    liaison = world.users["liaison"]
    report = world.report_a1_commerce
    upload = SimpleUploadedFile("现场照片.png", PNG)
    attachment = attachment_add(actor=liaison, report=report, upload=upload)
    attachment_remove(actor=liaison, attachment=attachment)
    removed, added = Event.objects.filter(task=world.a1).order_by("-pk")[:2]
    assert (added.kind, added.actor, added.report) == (EventKind.ATTACHMENT_ADDED, liaison, report)
    assert (removed.kind, removed.actor) == (EventKind.ATTACHMENT_REMOVED, liaison)
    with translation.override("zh-hans"):
        assert event_sentence(added).startswith("佐证材料已上传：现场照片.png")
        assert event_sentence(removed).startswith("佐证材料已删除：现场照片.png")


def test_meetings_decisions_and_packs_are_on_the_plans_timeline(world) -> None:
    secretary = world.users["secretary"]
    meeting = meeting_create(
        actor=secretary, plan=world.plan_a, title="2026年度工作会议", held_on=dt.date(2026, 1, 15)
    )
    decision_record(
        actor=secretary,
        meeting=meeting,
        text="加快建设知识产权保护中心",
        task=world.a1,
        agency_ids=[world.hainan_office.pk],
        due_on=dt.date(2026, 6, 30),
    )
    pack = pack_request(actor=secretary, plan=world.plan_a, meeting=meeting, formats=["xlsx"])
    pack_build(pack_id=pack.pk)
    pack_part_render(pack_id=pack.pk, fmt="xlsx")  # in a job: no user, the requester acts
    events = list(Event.objects.filter(plan=world.plan_a).order_by("pk"))
    kinds = [e.kind for e in events]
    for kind in (
        EventKind.MEETING_CREATED,
        EventKind.DECISION_RECORDED,
        EventKind.PACK_REQUESTED,
        EventKind.PACK_DONE,
    ):
        assert kinds.count(kind) == 1, kind
    assert all(e.actor == secretary for e in events)
    with translation.override("zh-hans"):
        said = {e.kind: event_sentence(e) for e in events}
    assert said[EventKind.MEETING_CREATED] == "创建会议“2026年度工作会议”（2026-01-15）"
    assert "议定事项第 1 项：加快建设知识产权保护中心" in said[EventKind.DECISION_RECORDED]
    assert said[EventKind.PACK_DONE] == "会议“2026年度工作会议”的会议材料已生成（XLSX）"
    decided = next(e for e in events if e.kind == EventKind.DECISION_RECORDED)
    assert decided.task == world.a1 and decided.work_item is not None


def test_periods_created_and_changed_are_on_the_plans_timeline(world) -> None:
    coordinator = world.users["coordinator"]
    year = world.plan_a.period_start
    created = period_schedule_create(
        actor=coordinator, plan=world.plan_a, cadence="half_yearly", year=year
    )
    period = created[0]
    values = {"label": period.label, "starts_on": period.starts_on, "ends_on": period.ends_on}
    values |= {"opens_on": period.opens_on, "due_on": dt.date(year, 7, 31)}
    period_update(actor=coordinator, period=period, values=values)
    changed, made = Event.objects.filter(plan=world.plan_a).order_by("-pk")[:2]
    assert (made.kind, made.actor, changed.kind) == (
        EventKind.PERIODS_CREATED,
        coordinator,
        EventKind.PERIOD_CHANGED,
    )
    with translation.override("zh-hans"):
        assert event_sentence(made) == f"新建报送周期：{year}年上半年、{year}年下半年"
        assert event_sentence(changed) == (
            f"修改报送周期“{year}年上半年”：报送截止日期由“{period.due_on}”改为“{year}-07-31”"
        )


def test_the_export_row_says_who_when_what_and_why(world) -> None:
    event = event_record(
        actor=world.users["coordinator"],
        kind=EventKind.STATUS_CHANGED,
        plan=world.plan_a,
        task=world.a1,
        from_value=Status.NOT_STARTED,
        to_value=Status.BEHIND,
        reason="=资金未到位",
    )
    with translation.override("zh-hans"):
        (row,) = export_rows([event])
    assert row[1:] == [
        "coordinator",
        "状态变更",
        world.a1.label,
        "状态由“未启动”改为“滞后”",
        "未启动",
        "滞后",
        "=资金未到位",
    ]
