"""Runs whose worker died are found and queued again, every minute (a run holds its job's
advisory lock while it works; a free lock under a running row means its worker is gone)."""

from django.conf import settings
from django.db import migrations

from ops.db import periodic_task


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0002_relay_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        periodic_task(
            name="中断任务恢复 jobs recover",
            task="ops.jobs_recover",
            every_minutes=settings.JOB_RECOVERY_EVERY_MINUTES,
        ),
    ]
