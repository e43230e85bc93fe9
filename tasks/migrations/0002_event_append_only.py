"""The event timeline is append-only, even for raw SQL and the admin (PostgreSQL)."""

from django.db import migrations

from ops.db import postgres_trigger


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]

    operations = [
        postgres_trigger(
            name="tasks_event_append_only",
            table="tasks_event",
            events="UPDATE OR DELETE",
            body="""RAISE EXCEPTION 'tasks_event is append-only (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';""",
        ),
    ]
