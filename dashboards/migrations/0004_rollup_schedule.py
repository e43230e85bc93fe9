"""The nightly rollup at 01:00 Asia/Shanghai."""

from django.db import migrations

from ops.db import periodic_task


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0003_rollup_frozen"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [
        periodic_task(name="统计快照 rollup", task="dashboards.rollup", at=("0", "1")),
    ]
