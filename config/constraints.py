"""Database constraints shared by every app: enums are checked by PostgreSQL, not only by forms."""

from django.db import models


def enum_check(*, field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    """A CHECK constraint that keeps `field` within the values of `choices`."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": choices.values}),
        name=name,
        violation_error_message=f"{field} must be one of {', '.join(map(str, choices.values))}",
    )
