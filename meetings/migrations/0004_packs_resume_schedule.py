"""Meeting packs left behind by a lost job are queued again every five minutes."""

from django.db import migrations

from ops.db import periodic_task


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_meeting_frozen"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [
        periodic_task(
            name="会议材料续做 packs resume", task="meetings.packs_resume", every_minutes=5
        ),
    ]
