"""The timeline's sentences in templates: `{{ event|event_sentence }}`, `{{ event|event_note }}`
and the kinds a timeline may be filtered by (`{% timeline_kinds as kinds %}`)."""

from __future__ import annotations

from django import template

from tasks import timeline
from tasks.models import Event, EventKind

register = template.Library()


@register.filter
def event_sentence(event: Event) -> str:
    return timeline.event_sentence(event)


@register.filter
def event_note(event: Event) -> str:
    return timeline.event_note(event)


@register.simple_tag
def timeline_kinds() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in EventKind.choices]
