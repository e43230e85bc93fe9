"""On PostgreSQL, a trigger refuses UPDATE and DELETE of a meeting's rollup rows: what the
committee was shown stays as it was shown, even for raw SQL and the admin. Nightly rows stay
writable (the nightly job upserts them)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reports_rollup_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'reports_rollup row % belongs to a frozen meeting rollup (% refused)',
        OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reports_rollup_frozen
    BEFORE UPDATE OR DELETE ON reports_rollup
    FOR EACH ROW WHEN (OLD.meeting_id IS NOT NULL)
    EXECUTE FUNCTION reports_rollup_frozen();
"""
DROP = """
DROP TRIGGER IF EXISTS reports_rollup_frozen ON reports_rollup;
DROP FUNCTION IF EXISTS reports_rollup_frozen();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_reminder_rollup")]

    operations = [migrations.RunPython(forwards, backwards)]
