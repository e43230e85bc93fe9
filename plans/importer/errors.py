"""The one error the importer raises for a document it cannot read."""

from __future__ import annotations


class DocumentError(ValueError):
    """A document that cannot become a plan.

    Carries a Chinese and an English message and, when the problem sits on one line, that line's
    number in the text as given (1-based). ``str()`` gives both languages and the line."""

    def __init__(self, message_zh: str, message_en: str, *, line: int | None = None) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.message_zh} / {self.message_en}"
        return f"第{self.line}行：{self.message_zh} / line {self.line}: {self.message_en}"
