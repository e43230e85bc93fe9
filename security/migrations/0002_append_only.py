"""On PostgreSQL the security log is append-only: no entry is ever changed, and none younger
than 180 days (the retention floor of 等保2.0) can be deleted, whoever asks. TRUNCATE is
left to the table's owner (the test runner empties tables with it); the application's
database role in production should not own its tables (docs/deploy.md)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION security_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'the security log is append-only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.occurred_at > now() - interval '180 days' THEN
        RAISE EXCEPTION 'security log entries are kept at least 180 days'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER security_event_append_only
    BEFORE UPDATE OR DELETE ON security_securityevent
    FOR EACH ROW EXECUTE FUNCTION security_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS security_event_append_only ON security_securityevent;
DROP FUNCTION IF EXISTS security_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
