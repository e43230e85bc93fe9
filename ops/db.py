"""Database mechanisms shared by every app: enums checked by PostgreSQL (not only by forms),
the triggers that keep rows append-only or frozen, and the beat schedules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from django.db import migrations, models


def enum_check(*, field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    """A CHECK constraint that keeps `field` within the values of `choices`."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": choices.values}),
        name=name,
        violation_error_message=f"{field} must be one of {', '.join(map(str, choices.values))}",
    )


def postgres_trigger(
    *, name: str, table: str, events: str, body: str, when: str = ""
) -> migrations.RunPython:
    """A migration operation guarding `table` with a PL/pgSQL trigger `name`: the one way the
    apps make rows append-only or frozen, for raw SQL and the admin too. `body` runs BEFORE
    `events` (e.g. "UPDATE OR DELETE"), for each row matching `when`. SQLite (the embedded
    demo) has no PL/pgSQL and relies on the services."""
    condition = f"WHEN ({when})" if when else ""
    create = f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
        {body}
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {name} BEFORE {events} ON {table}
            FOR EACH ROW {condition} EXECUTE FUNCTION {name}();
    """
    drop = f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();"

    def run(sql: str) -> Callable[[Any, Any], None]:
        def apply(apps: Any, schema_editor: Any) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)

        return apply

    return migrations.RunPython(run(create), run(drop))


SHANGHAI = "Asia/Shanghai"


def periodic_task(
    *, name: str, task: str, at: tuple[str, str] | None = None, every_minutes: int = 0
) -> migrations.RunPython:
    """A migration operation that schedules `task` in django-celery-beat: daily `at` (minute,
    hour) Asia/Shanghai, or every `every_minutes`. Keyed by name, so it never duplicates;
    admins see and change the schedule in the admin."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        periodic = apps.get_model("django_celery_beat", "PeriodicTask")
        if at:
            crontab, _ = apps.get_model(
                "django_celery_beat", "CrontabSchedule"
            ).objects.get_or_create(
                minute=at[0],
                hour=at[1],
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=SHANGHAI,
            )
            schedule = {"crontab": crontab}
        else:
            interval, _ = apps.get_model(
                "django_celery_beat", "IntervalSchedule"
            ).objects.get_or_create(every=every_minutes, period="minutes")
            schedule = {"interval": interval}
        periodic.objects.update_or_create(
            name=name, defaults={"task": task, "enabled": True, **schedule}
        )

    def backwards(apps: Any, schema_editor: Any) -> None:
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(forwards, backwards)


class AppendOnlyQuerySet(models.QuerySet):
    """Rows that are evidence: never updated or deleted in bulk either."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{self.model._meta.label} is append-only")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise TypeError(f"{self.model._meta.label} is append-only")


class AppendOnlyModel(models.Model):
    """A row written once and never changed (the timeline, the 督办 steps): the model refuses,
    and on PostgreSQL a `postgres_trigger` refuses raw SQL and the admin too."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError(f"{self._meta.label} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{self._meta.label} is append-only")
