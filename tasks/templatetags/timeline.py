"""The timeline's sentences in templates: `{{ event|event_sentence }}`, `{{ event|event_note }}`
and the kinds a timeline may be filtered by (`{% timeline_kinds as kinds %}`); the Jinja
fragments (jinja_templates/tasks/) call the same three as `event_sentence(event)`,
`event_note(event)`, `timeline_kinds()` and, for the kind's label of each event,
`event_kind_labels()`."""

from __future__ import annotations

from django import template

from ops.jinja import jinja_global
from ops.rows import choice_labels
from tasks import timeline
from tasks.models import Event, EventKind

register = template.Library()


@register.filter
@jinja_global("event_sentence")
def event_sentence(event: Event) -> str:
    return timeline.event_sentence(event)


@register.filter
@jinja_global("event_note")
def event_note(event: Event) -> str:
    return timeline.event_note(event)


@register.simple_tag
@jinja_global("timeline_kinds")
def timeline_kinds() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in EventKind.choices]


@jinja_global("event_kind_labels")
def event_kind_labels() -> dict[str, str]:
    """`{{ kinds.get(event.kind, event.kind) }}` prints `{{ event.get_kind_display }}`: the
    labels translated once per timeline, not all of them hashed again for each event."""
    return choice_labels(EventKind.choices)
