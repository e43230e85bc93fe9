"""Deliveries: sent once, retried while the failure may pass, given up on when it will not."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.channels import PermanentDeliveryError, TransientDeliveryError, webhook_send
from notifications.jobs import DELIVERY_MAX_RETRIES
from notifications.jobs import delivery_send as delivery_job
from notifications.models import Channel, Delivery, DeliveryState, Kind, Notification
from notifications.services import Message, delivery_send, notification_fan_out
from tests.factories import AgencyFactory, UserFactory

MESSAGE = Message(kind=Kind.REMINDER, title="【催报】测试", body="请报送。", link="/tasks/1/")


def _delivery(address: str, channel: str = Channel.WEBHOOK) -> Delivery:
    return Delivery.objects.create(
        channel=channel, address=address, subject="标题", body="内容", dedupe_key="t:1"
    )


def test_fan_out_reaches_bell_mail_and_robot_once(db, robot) -> None:
    user = UserFactory(email="a@example.gov.cn")
    agency = AgencyFactory(webhook_url=robot.url)
    for _ in range(2):
        notification_fan_out(dedupe_key="t:1", message=MESSAGE, users=[user], agencies=[agency])
    assert Notification.objects.count() == 1
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["email", "webhook"]
    email = Delivery.objects.get(channel="email")
    assert email.body.endswith("http://127.0.0.1:8000/tasks/1/")  # mail needs a full link


def test_a_delivery_is_sent_once_whoever_runs_it(db) -> None:
    delivery = _delivery("a@example.gov.cn", Channel.EMAIL)
    assert delivery_send(delivery_id=delivery.pk) is True
    assert delivery_send(delivery_id=delivery.pk) is False  # a duplicate job
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "标题"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 1


def test_a_robot_rate_limit_is_retried_and_a_wrong_key_is_not(db, robot) -> None:
    robot.answer = {"errcode": 45009, "errmsg": "api freq out of limit"}
    limited = _delivery(robot.url)
    with pytest.raises(TransientDeliveryError):
        delivery_send(delivery_id=limited.pk)
    limited.refresh_from_db()
    assert limited.state == DeliveryState.PENDING

    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    wrong = Delivery.objects.create(
        channel=Channel.WEBHOOK, address=robot.url, subject="s", body="b", dedupe_key="t:2"
    )
    assert delivery_send(delivery_id=wrong.pk) is True
    wrong.refresh_from_db()
    assert wrong.state == DeliveryState.FAILED and "93000" in wrong.last_error


def test_the_last_retry_gives_up_and_says_why(db, robot) -> None:
    robot.status = 503
    delivery = _delivery(robot.url)
    with pytest.raises(TransientDeliveryError):
        delivery_job.apply(kwargs={"delivery_id": delivery.pk}, retries=DELIVERY_MAX_RETRIES)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and "503" in delivery.last_error


def test_an_address_that_is_not_http_is_refused_for_good(db) -> None:
    with pytest.raises(PermanentDeliveryError):
        webhook_send(address="file:///etc/passwd", subject="s", body="b")
