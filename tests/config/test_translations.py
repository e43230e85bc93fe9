"""English is the second language: every message of the interface has its translation."""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_has_an_english_translation():
    entries = PO.read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = [
        e for e in entries if re.search(r'^msgstr ""$(?!\n")', e, re.M) and "msgid_plural" not in e
    ]
    assert untranslated == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")
