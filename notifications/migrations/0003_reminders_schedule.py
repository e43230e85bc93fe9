"""The reminders, daily at 08:30 Asia/Shanghai."""

from django.db import migrations

from ops.db import periodic_task


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [
        periodic_task(
            name="催报提醒 reminders", task="notifications.reminders", at=("30", "8")
        ),
    ]
