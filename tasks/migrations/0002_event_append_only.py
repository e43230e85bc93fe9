"""On PostgreSQL, a trigger refuses UPDATE and DELETE on the event table: the timeline is
append-only even for raw SQL and the admin. SQLite (the embedded demo) relies on the model."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION tasks_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'tasks_event is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tasks_event_append_only
    BEFORE UPDATE OR DELETE ON tasks_event
    FOR EACH ROW EXECUTE FUNCTION tasks_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS tasks_event_append_only ON tasks_event;
DROP FUNCTION IF EXISTS tasks_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
