"""The outbox: a save never fails because Redis did; what it was to send waits and goes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from celery import current_app

from ops.models import OutboxMessage
from ops.outbox import outbox_relay
from reports.services import report_submit
from tests.ops.worker import use_broker

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1
BACK = "redis://127.0.0.1:6379/14"  # a database of its own: the queue is inspected


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Publish for real (not eagerly) to a Redis that is not there."""
    saved = current_app.conf.broker_url, current_app.conf.task_always_eager
    use_broker(DOWN)
    yield
    use_broker(saved[0], eager=saved[1])


def test_a_report_submitted_while_redis_is_down_is_saved_and_its_message_kept(
    world, broker_down, django_capture_on_commit_callbacks
) -> None:
    report = world.report_a1_commerce
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(actor=world.users["liaison"], report=report, expected_version=report.version)
    report.refresh_from_db()
    assert report.state == "submitted"
    message = OutboxMessage.objects.get(task_name="notifications.event_notify")
    assert message.sent_at is None and message.attempts == 1 and message.last_error


def test_the_relay_sends_what_waited_once_the_broker_is_back(
    world, broker_down, django_capture_on_commit_callbacks
) -> None:
    report = world.report_a1_commerce
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(actor=world.users["liaison"], report=report, expected_version=report.version)
    assert outbox_relay() == 0  # still down: nothing lost, nothing sent

    back = redis.Redis.from_url(BACK)
    back.flushdb()
    use_broker(BACK)
    assert outbox_relay() == 1
    assert back.llen("celery") == 1  # the message is in the real queue, for a worker to take
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None and message.attempts == 3
    assert outbox_relay() == 0  # sent once
    back.flushdb()
