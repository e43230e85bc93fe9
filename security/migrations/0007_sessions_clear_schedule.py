"""The expired sessions removed nightly at 03:30 Asia/Shanghai."""

from django.db import migrations

from ops.db import periodic_task


class Migration(migrations.Migration):
    dependencies = [("security", "0006_sessions_carried_over")]

    operations = [
        periodic_task(
            name="过期会话清理 expired sessions", task="security.sessions_clear", at=("30", "3")
        ),
    ]
