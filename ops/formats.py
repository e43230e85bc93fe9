"""The file formats asked for by name (`docx,pdf,xlsx`), one rule for every export."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def formats_parse(value: str | Iterable[str], *, allowed: Iterable[str]) -> list[str]:
    """The formats named (comma-separated, or a list), lower-cased, each once, in the order
    asked; none, or any not in `allowed`, is refused with a message naming both."""
    allowed = list(allowed)
    names = value.split(",") if isinstance(value, str) else value
    formats = [n.strip().lower() for n in names if n.strip()]
    unknown = [f for f in formats if f not in allowed]
    if not formats or unknown:
        raise ValidationError(
            _("格式只能是 %(allowed)s：%(value)s")
            % {"allowed": "、".join(allowed), "value": ",".join(unknown) or "—"}
        )
    return list(dict.fromkeys(formats))
