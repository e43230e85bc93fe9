"""Report submitted, returned, accepted: the right people hear of it, once."""

from __future__ import annotations

from notifications.events import event_notify
from notifications.models import Kind, Notification
from reports.services import report_accept, report_return, report_submit
from tasks.models import Event, EventKind


def _submit(world, django_capture_on_commit_callbacks):
    report = world.report_a1_commerce
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(actor=world.users["liaison"], report=report, expected_version=report.version)
    report.refresh_from_db()
    return report


def _who(title_part: str) -> set[str]:
    return set(
        Notification.objects.filter(title__contains=title_part).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_submitted_report_tells_the_lead_agency_coordinator(
    world, django_capture_on_commit_callbacks
) -> None:
    _submit(world, django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=world.users["coordinator"])
    assert note.kind == Kind.REPORT and "海南省商务厅" in note.title
    assert note.link == f"/reports/{world.report_a1_commerce.pk}/"
    assert _who("提交了进展报告") == {"coordinator"}  # not the liaison who did it, not Hunan


def test_a_return_tells_the_reporting_agency_with_the_reason(
    world, django_capture_on_commit_callbacks
) -> None:
    report = _submit(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        report_return(actor=world.users["coordinator"], report=report, reason="请补充佐证材料")
    assert _who("已退回") == {"liaison"}  # the viewer of the agency is not a reporter
    assert Notification.objects.get(title__contains="已退回").body == "请补充佐证材料"


def test_an_acceptance_tells_the_reporting_agency(
    world, django_capture_on_commit_callbacks
) -> None:
    report = _submit(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        report_accept(actor=world.users["coordinator"], report=report)
    assert _who("已采纳") == {"liaison"}


def test_notifying_the_same_event_again_adds_nothing(
    world, django_capture_on_commit_callbacks
) -> None:
    _submit(world, django_capture_on_commit_callbacks)
    event = Event.objects.get(kind=EventKind.REPORT_STATE_CHANGED)
    event_notify(event_id=event.pk)  # a retried or duplicated job
    assert Notification.objects.count() == 1
