"""The sessions alive in Django's table carried over to security_session, each with its
user's id, so an upgrade signs nobody out. Django's table is left as it was (its rows expire)."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import migrations
from django.utils import timezone


def carry_over(apps, schema_editor):
    Old = apps.get_model("sessions", "Session")
    New = apps.get_model("security", "Session")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    users = set(User.objects.values_list("pk", flat=True))
    # Decoding needs no database: the store only checks the signature (SECRET_KEY). Both
    # stores are named SessionStore, so both sign with the same salt.
    store = DatabaseSessionStore()
    rows = []
    for old in Old.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        try:
            user_id = int(store.decode(old.session_data).get(SESSION_KEY))
        except (TypeError, ValueError):
            user_id = None
        rows.append(
            New(
                session_key=old.session_key,
                session_data=old.session_data,
                expire_date=old.expire_date,
                user_id=user_id if user_id in users else None,
            )
        )
    New.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0005_session"),
        ("sessions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
