"""Translations kept for one render (ops/translations.py): the same text as Django's gettext,
each message looked up once inside a render, every call looked up outside one, and the
language of each render its own."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from ops import translations
from ops.rows import choice_labels
from tasks.models import Event, EventKind, Status
from tasks.timeline import event_sentence


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The messages handed to Django's gettext, in order."""
    seen: list[str] = []
    django_gettext = translations.django_gettext

    def counted(message: str) -> str:
        seen.append(message)
        return django_gettext(message)

    monkeypatch.setattr(translations, "django_gettext", counted)
    return seen


def test_inside_a_render_each_message_is_looked_up_once(lookups: list[str]) -> None:
    with translation.override("en"), translations.translations_kept():
        texts = [translations.gettext("状态") for _ in range(5)]
        texts.append(translations.gettext("方案"))
    assert texts == ["Status"] * 5 + ["Plans"]
    assert lookups == ["状态", "方案"]


def test_outside_a_render_every_call_asks_django(lookups: list[str]) -> None:
    with translation.override("en"):
        assert translations.gettext("状态") == "Status"
    with translation.override("zh-hans"):
        assert translations.gettext("状态") == "状态"
    assert lookups == ["状态", "状态"]


def test_each_render_has_its_own_language_and_a_nested_one_shares_it(
    lookups: list[str],
) -> None:
    with translation.override("en"), translations.translations_kept():
        with translations.translations_kept():
            inner = translations.gettext("状态")
        outer = translations.gettext("状态")
    with translation.override("zh-hans"), translations.translations_kept():
        later = translations.gettext("状态")
    assert (inner, outer, later) == ("Status", "Status", "状态")
    assert lookups == ["状态", "状态"]  # once in the English render, once in the Chinese


def test_lazy_labels_are_translated_once_each_and_never_mixed_up() -> None:
    draft, plan = gettext_lazy("草稿"), gettext_lazy("方案")
    with translation.override("en"), translations.translations_kept():
        labels = [translations.label(draft), translations.label(plan), translations.label(draft)]
        plain = translations.label("as it is")
        # Labels made and dropped one after another may share an id: each reads its own.
        dropped = [translations.label(gettext_lazy(m)) for m in ("状态", "方案", "草稿", "状态")]
    assert labels == ["Draft", "Plans", "Draft"]
    assert plain == "as it is"
    assert dropped == ["Status", "Plans", "Draft", "Status"]


def test_choice_labels_and_timeline_sentences_read_as_before(lookups: list[str]) -> None:
    event = Event(kind=EventKind.STATUS_CHANGED, from_value="on_track", to_value="at_risk")
    with translation.override("en"):
        plain = event_sentence(event), choice_labels(Status.choices)
        asked = len(lookups)
        with translations.translations_kept():
            kept = [event_sentence(event) for _ in range(30)], choice_labels(Status.choices)
    assert kept[0] == [plain[0]] * 30 and kept[1] == plain[1]
    assert "At risk" in plain[0] and plain[1]["at_risk"] == "At risk"
    assert len(lookups) - asked == 2  # the sentence's two messages, once for thirty events
