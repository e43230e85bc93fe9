"""A meeting's rollup rows are frozen: what the committee was shown stays as it was shown,
even for raw SQL and the admin. Nightly rows stay writable (the nightly job upserts them)."""

from django.db import migrations

from ops.db import postgres_trigger


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0002_initial")]

    operations = [
        postgres_trigger(
            name="dashboards_rollup_frozen",
            table="dashboards_rollup",
            events="UPDATE OR DELETE",
            when="OLD.batch <> 'nightly'",
            body="""RAISE EXCEPTION
                'dashboards_rollup row % belongs to a frozen meeting rollup (% refused)',
                OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege';""",
        ),
    ]
