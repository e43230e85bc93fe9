"""The reminders every hour at :00 Asia/Shanghai: each plan's digests go out at its own hour
(ReminderSettings.digest_hour). The daily 08:30 entry becomes this one."""

from django.db import migrations

from ops.db import periodic_task


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_digests")]

    operations = [
        periodic_task(
            name="催报提醒 reminders", task="notifications.reminders_hourly", at=("0", "*")
        ),
    ]
