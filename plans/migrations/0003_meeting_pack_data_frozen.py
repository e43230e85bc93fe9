"""On PostgreSQL, once a meeting is frozen its freeze time and pack data never change: the
pack generated from them stays the pack the committee was given."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION plans_meeting_frozen() RETURNS trigger AS $$
BEGIN
    IF NEW.frozen_at IS DISTINCT FROM OLD.frozen_at
       OR NEW.pack_data::text IS DISTINCT FROM OLD.pack_data::text THEN
        RAISE EXCEPTION 'meeting % is frozen: its pack data cannot change', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plans_meeting_frozen
    BEFORE UPDATE ON plans_meeting
    FOR EACH ROW WHEN (OLD.frozen_at IS NOT NULL)
    EXECUTE FUNCTION plans_meeting_frozen();
"""
DROP = """
DROP TRIGGER IF EXISTS plans_meeting_frozen ON plans_meeting;
DROP FUNCTION IF EXISTS plans_meeting_frozen();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_meeting_pack_data_decision")]

    operations = [migrations.RunPython(forwards, backwards)]
