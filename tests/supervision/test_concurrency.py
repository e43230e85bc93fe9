"""办结 and 反馈 at the same moment, each in its own connection: applied one after the other,
so neither is lost — either the 反馈 lands first and the 办结 follows it, or the 办结 lands
first and the 反馈 is refused with a message. Never a 反馈 written over a 办结."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from supervision import services
from supervision.models import NoticeRecipient, RecipientState, StepKind, SupervisionStep
from tasks.models import Event, EventKind
from tests.supervision.factories import issue, recipient


# serialized_rollback: the flush after this test must not lose the reference data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("round_", range(3))
def test_close_and_respond_at_once_lose_neither(world, round_):
    row = recipient(issue(world), world.hainan_commerce)
    services.notice_acknowledge(actor=world.users["liaison"], recipient=row)
    services.notice_respond(actor=world.users["liaison"], recipient=row, text="初次反馈")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name: str, call) -> None:
        try:
            stale = NoticeRecipient.objects.select_related("notice__plan", "agency").get(pk=row.pk)
            barrier.wait()
            call(stale)
            outcomes[name] = "done"
        except ValidationError as exc:
            outcomes[name] = exc.messages[0]
        finally:
            connection.close()

    calls = {
        "close": lambda r: services.notice_close(actor=world.users["coordinator"], recipient=r),
        "respond": lambda r: services.notice_respond(
            actor=world.users["liaison"], recipient=r, text="补充反馈"
        ),
    }
    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes["close"] == "done"
    row.refresh_from_db()
    assert row.state == RecipientState.CLOSED  # the 办结 is never overwritten
    kinds = list(SupervisionStep.objects.filter(recipient=row).values_list("kind", "text"))
    if outcomes["respond"] == "done":  # 反馈 first: kept, before the 办结
        assert kinds[-2:] == [(StepKind.RESPONDED, "补充反馈"), (StepKind.CLOSED, "")]
        assert row.response == "补充反馈"
    else:  # 办结 first: the 反馈 is told, not silently dropped
        assert outcomes["respond"] == "该督办单已办结，不能再反馈。"
        assert kinds[-1] == (StepKind.CLOSED, "")
    assert Event.objects.filter(kind=EventKind.SUPERVISION_CLOSED).count() == 1
