"""The schedules, as django-celery-beat rows: admins see and change them in the admin.

Reminders daily at 08:30 and the rollup nightly at 01:00, Asia/Shanghai; the outbox relay
every minute. Re-running the migration (or a later one) never duplicates them: keyed by name.
"""

from django.db import migrations

SHANGHAI = "Asia/Shanghai"
CRONTABS = {
    "催报提醒 reminders": ("reports.reminders", "30", "8"),
    "统计快照 rollup": ("reports.rollup", "0", "1"),
}
RELAY = "待发送任务转发 outbox relay"


def forwards(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, minute, hour) in CRONTABS.items():
        crontab, _ = crontab_model.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=SHANGHAI,
        )
        periodic.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "enabled": True}
        )
    every_minute, _ = interval_model.objects.get_or_create(every=1, period="minutes")
    periodic.objects.update_or_create(
        name=RELAY, defaults={"task": "ops.outbox_relay", "interval": every_minute, "enabled": True}
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[*CRONTABS, RELAY]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
