"""Once a meeting is frozen its freeze time and pack data never change: the pack generated
from them stays the pack the committee was given."""

from django.db import migrations

from ops.db import postgres_trigger


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_initial")]

    operations = [
        postgres_trigger(
            name="meetings_meeting_frozen",
            table="meetings_meeting",
            events="UPDATE",
            when="OLD.frozen_at IS NOT NULL",
            body="""IF NEW.frozen_at IS DISTINCT FROM OLD.frozen_at
               OR NEW.pack_data::text IS DISTINCT FROM OLD.pack_data::text THEN
                RAISE EXCEPTION 'meeting % is frozen: its pack data cannot change', OLD.id
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;""",
        ),
    ]
