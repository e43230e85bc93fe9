"""The security log is append-only: no entry is ever changed, and none younger than 180 days
(the retention floor of 等保2.0) can be deleted, whoever asks. TRUNCATE is left to the
table's owner (the test runner empties tables with it); the application's database role in
production should not own its tables (docs/deploy.md)."""

from django.db import migrations

from ops.db import postgres_trigger


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]

    operations = [
        postgres_trigger(
            name="security_event_append_only",
            table="security_securityevent",
            events="UPDATE OR DELETE",
            body="""IF TG_OP = 'UPDATE' THEN
                RAISE EXCEPTION 'the security log is append-only'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF OLD.occurred_at > now() - interval '180 days' THEN
                RAISE EXCEPTION 'security log entries are kept at least 180 days'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN OLD;""",
        ),
    ]
