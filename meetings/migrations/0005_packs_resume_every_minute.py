"""Meeting packs whose job died are queued again within a minute or two: the sweep runs every
minute (a job holds its pack's advisory lock while it works, so a dead one is seen at once)."""

from django.db import migrations

from ops.db import periodic_task


def schedule(every: int) -> migrations.RunPython:
    return periodic_task(
        name="会议材料续做 packs resume", task="meetings.packs_resume", every_minutes=every
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_packs_resume_schedule")]

    # Backwards restores the five minutes of 0004 (its own backwards would drop the schedule).
    operations = [migrations.RunPython(schedule(1).code, schedule(5).code)]
