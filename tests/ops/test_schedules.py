"""The schedules admins see and may change: reminders every hour (each plan's digest at its
own hour) and the rollup at 01:00, Beijing time."""

from __future__ import annotations

from django_celery_beat.models import PeriodicTask


def test_the_jobs_are_scheduled_in_the_database(db) -> None:
    tasks = {t.task: t for t in PeriodicTask.objects.select_related("crontab", "interval")}
    reminders, rollup = tasks["notifications.reminders_hourly"], tasks["dashboards.rollup"]
    assert (reminders.crontab.hour, reminders.crontab.minute) == ("*", "0")
    assert (rollup.crontab.hour, rollup.crontab.minute) == ("1", "0")
    assert str(reminders.crontab.timezone) == "Asia/Shanghai"
    relay = tasks["ops.outbox_relay"]
    assert (relay.interval.every, relay.interval.period) == (1, "minutes")
    assert all(t.enabled for t in tasks.values())
