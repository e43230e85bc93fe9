import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision import services
from supervision.models import (
    Level,
    NoticeRecipient,
    RecipientState,
    StepKind,
    SupervisionNotice,
    SupervisionStep,
)
from tasks.models import Event, EventKind
from tests.supervision.factories import in_days, issue, recipient

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

pytestmark = pytest.mark.django_db


def _kinds(notice):
    return list(
        Event.objects.filter(data__notice=notice.pk)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )


def test_full_workflow_issue_acknowledge_respond_close(world):
    notice = issue(world)
    row = recipient(notice, world.hainan_commerce)
    assert row.state == RecipientState.ISSUED
    liaison, coordinator = world.users["liaison"], world.users["coordinator"]

    services.notice_acknowledge(actor=liaison, recipient=row)
    evidence = SimpleUploadedFile("佐证.png", PNG)
    services.notice_respond(
        actor=liaison, recipient=row, text="已完成质押登记12笔。", upload=evidence
    )
    services.notice_close(actor=coordinator, recipient=row, note="办理到位")

    row.refresh_from_db()
    assert row.state == RecipientState.CLOSED
    assert row.response == "已完成质押登记12笔。"
    assert row.acknowledged_at and row.responded_at and row.closed_at
    steps = list(SupervisionStep.objects.filter(notice=notice))
    assert [s.kind for s in steps] == [
        StepKind.ISSUED,
        StepKind.ACKNOWLEDGED,
        StepKind.RESPONDED,
        StepKind.CLOSED,
    ]
    assert [s.actor for s in steps] == [coordinator, liaison, liaison, coordinator]
    assert steps[2].evidence_name == "佐证.png" and steps[2].evidence_type == "image/png"
    assert _kinds(notice) == [
        EventKind.SUPERVISION_ISSUED,
        EventKind.SUPERVISION_ACKNOWLEDGED,
        EventKind.SUPERVISION_RESPONDED,
        EventKind.SUPERVISION_CLOSED,
    ]
    # on the task's timeline, naming the agency and the actor
    closed = Event.objects.get(kind=EventKind.SUPERVISION_CLOSED)
    assert (closed.task, closed.agency, closed.actor) == (
        world.a1,
        world.hainan_commerce,
        coordinator,
    )


def test_send_back_then_respond_again(world):
    notice = issue(world)
    row = recipient(notice, world.hainan_commerce)
    liaison = world.users["liaison"]
    services.notice_acknowledge(actor=liaison, recipient=row)
    services.notice_respond(actor=liaison, recipient=row, text="正在推进。")
    services.notice_send_back(actor=world.users["coordinator"], recipient=row, reason="请补充数据")
    row.refresh_from_db()
    assert (row.state, row.return_reason) == (RecipientState.RETURNED, "请补充数据")
    services.notice_respond(actor=liaison, recipient=row, text="已补充：质押金额3亿元。")
    row.refresh_from_db()
    assert row.state == RecipientState.RESPONDED
    assert EventKind.SUPERVISION_RETURNED in _kinds(notice)


def test_numbers_count_per_issuing_agency_and_year(world):
    first, second = issue(world), issue(world, target=world.a2, agencies=[world.hainan_office])
    other = services.notice_issue(
        actor=world.users["other_coordinator"],
        target=world.b1,
        agency_ids=[world.hunan_dept.pk],
        subject="督办",
        reason="滞后",
        deadline=in_days(5),
        level=Level.GENERAL,
    )
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert str(second.number_label) == f"督办单 〔{second.year}〕2号"


def test_several_recipients_each_have_their_own_state(world):
    notice = issue(world, agencies=[world.hainan_office, world.hainan_commerce])
    services.notice_acknowledge(
        actor=world.users["liaison"], recipient=recipient(notice, world.hainan_commerce)
    )
    states = dict(notice.recipients.values_list("agency__name", "state"))
    assert states == {"海南省知识产权局": "issued", "海南省商务厅": "acknowledged"}


def test_work_item_and_report_targets(world):
    from tests.factories import WorkItemFactory

    item = WorkItemFactory(task=world.a1, agencies=[world.hainan_commerce])
    on_item = issue(world, target=item)
    on_report = issue(world, target=world.report_a1_commerce)
    assert (on_item.work_item, on_item.task, on_item.target_task) == (item, None, world.a1)
    assert on_report.report == world.report_a1_commerce
    assert "进展报告" in on_report.target_label
    event = Event.objects.filter(kind=EventKind.SUPERVISION_ISSUED, work_item=item).get()
    assert event.task == world.a1


# --- bad input: a clear message, nothing written --------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"deadline": None}, "deadline", "请填写办理时限。"),
        ({"agency_ids": []}, "agencies", "请至少选择一个承办单位。"),
        ({"subject": "  "}, "subject", "请填写督办事项。"),
        ({"deadline": in_days(-1)}, "deadline", "办理时限不能早于今天。"),
    ],
)
def test_bad_notice_is_refused_and_nothing_written(world, change, field, message):
    values = {
        "actor": world.users["coordinator"],
        "target": world.a1,
        "agency_ids": [world.hainan_commerce.pk],
        "subject": "督办事项",
        "reason": "理由",
        "deadline": in_days(5),
        "level": Level.GENERAL,
        **change,
    }
    with pytest.raises(ValidationError) as exc:
        services.notice_issue(**values)
    assert exc.value.message_dict[field] == [message]
    assert not SupervisionNotice.objects.exists()
    assert not NoticeRecipient.objects.exists()
    assert not Event.objects.filter(kind=EventKind.SUPERVISION_ISSUED).exists()


def test_recipient_outside_the_target_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        issue(world, agencies=[world.hunan_dept])
    assert "承办单位须是督办对象的责任单位" in str(exc.value)
    assert not SupervisionNotice.objects.exists()


def test_second_acknowledge_is_refused(world):
    row = recipient(issue(world), world.hainan_commerce)
    services.notice_acknowledge(actor=world.users["liaison"], recipient=row)
    with pytest.raises(ValidationError, match="不能重复签收"):
        services.notice_acknowledge(actor=world.users["liaison"], recipient=row)
    assert SupervisionStep.objects.filter(kind=StepKind.ACKNOWLEDGED).count() == 1


def test_response_to_a_closed_notice_is_refused(world):
    row = recipient(issue(world), world.hainan_commerce)
    services.notice_acknowledge(actor=world.users["liaison"], recipient=row)
    services.notice_close(actor=world.users["coordinator"], recipient=row)
    with pytest.raises(ValidationError, match="已办结，不能再反馈"):
        services.notice_respond(actor=world.users["liaison"], recipient=row, text="补充")
    row.refresh_from_db()
    assert (row.state, row.response) == (RecipientState.CLOSED, "")


def test_response_needs_acknowledge_text_and_a_real_file(world):
    row = recipient(issue(world), world.hainan_commerce)
    liaison = world.users["liaison"]
    with pytest.raises(ValidationError, match="请先签收"):
        services.notice_respond(actor=liaison, recipient=row, text="已办")
    services.notice_acknowledge(actor=liaison, recipient=row)
    with pytest.raises(ValidationError, match="请填写反馈内容"):
        services.notice_respond(actor=liaison, recipient=row, text="")
    fake = SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError, match="网页或脚本"):
        services.notice_respond(actor=liaison, recipient=row, text="见附件", upload=fake)
    row.refresh_from_db()
    assert row.state == RecipientState.ACKNOWLEDGED
    assert not SupervisionStep.objects.filter(kind=StepKind.RESPONDED).exists()


def test_send_back_needs_a_response_and_a_reason(world):
    row = recipient(issue(world), world.hainan_commerce)
    with pytest.raises(ValidationError, match="只有已反馈"):
        services.notice_send_back(actor=world.users["coordinator"], recipient=row, reason="补")
    with pytest.raises(ValidationError, match="请填写退回原因"):
        services.notice_send_back(actor=world.users["coordinator"], recipient=row, reason="")


def test_urge_marks_the_recipient_and_is_on_the_timeline(world):
    row = recipient(issue(world), world.hainan_commerce)
    services.notice_urge(actor=world.users["coordinator"], recipient=row, note="请抓紧")
    row.refresh_from_db()
    assert row.urge_count == 1 and row.urged_at is not None
    assert Event.objects.filter(kind=EventKind.SUPERVISION_URGED, reason="请抓紧").exists()


def test_steps_are_append_only(world):
    step = SupervisionStep.objects.get(notice=issue(world))
    with pytest.raises(TypeError):
        step.save()
    with pytest.raises(TypeError):
        SupervisionStep.objects.all().delete()


# --- permissions: coordinator, the recipient's liaison, another province's coordinator -------


@pytest.mark.parametrize("who", ["liaison", "other_coordinator", "nipa_viewer"])
def test_only_the_plans_coordinator_issues(world, who):
    with pytest.raises(PermissionDenied):
        services.notice_issue(
            actor=world.users[who],
            target=world.a1,
            agency_ids=[world.hainan_commerce.pk],
            subject="督办",
            reason="理由",
            deadline=in_days(5),
            level=Level.GENERAL,
        )
    assert not SupervisionNotice.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "other_coordinator", "other_liaison"])
def test_only_the_recipients_people_acknowledge(world, who):
    row = recipient(issue(world), world.hainan_commerce)
    with pytest.raises(PermissionDenied):
        services.notice_acknowledge(actor=world.users[who], recipient=row)
    row.refresh_from_db()
    assert row.state == RecipientState.ISSUED


@pytest.mark.parametrize("who", ["liaison", "other_coordinator"])
@pytest.mark.parametrize("action", ["close", "urge", "send_back"])
def test_only_the_coordinator_closes_urges_and_sends_back(world, who, action):
    row = recipient(issue(world), world.hainan_commerce)
    service = {
        "close": lambda: services.notice_close(actor=world.users[who], recipient=row),
        "urge": lambda: services.notice_urge(actor=world.users[who], recipient=row),
        "send_back": lambda: services.notice_send_back(
            actor=world.users[who], recipient=row, reason="补充"
        ),
    }[action]
    with pytest.raises(PermissionDenied):
        service()
    row.refresh_from_db()
    assert (row.state, row.urge_count) == (RecipientState.ISSUED, 0)
