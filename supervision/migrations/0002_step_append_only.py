"""督办 steps are append-only, even for raw SQL and the admin (PostgreSQL)."""

from django.db import migrations

from ops.db import postgres_trigger


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [
        postgres_trigger(
            name="supervision_step_append_only",
            table="supervision_supervisionstep",
            events="UPDATE OR DELETE",
            body="""RAISE EXCEPTION 'supervision_supervisionstep is append-only (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';""",
        ),
    ]
