"""The security log purge, nightly at 03:00 Asia/Shanghai."""

from django.db import migrations

from ops.db import periodic_task


class Migration(migrations.Migration):
    dependencies = [("security", "0002_append_only"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [
        periodic_task(
            name="安全日志清理 security log purge", task="security.log_purge", at=("0", "3")
        ),
    ]
