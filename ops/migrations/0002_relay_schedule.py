"""The outbox relay, every minute."""

from django.db import migrations

from ops.db import periodic_task


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [
        periodic_task(
            name="待发送任务转发 outbox relay", task="ops.outbox_relay", every_minutes=1
        ),
    ]
