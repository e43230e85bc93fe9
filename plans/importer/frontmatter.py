"""Title, document number, issuers and dates from the paragraphs before the first part.

- Title: the 《…》 of the notice that issues the plan (`关于印发《…》的通知`,
  `现将《…》印发给你们`), else the standalone title line (`…实施方案`, `…实施意见`).
- Document number: `琼府〔2022〕39号`, written with 〔〕, [], ［］, () or 【】, given back
  with 〔〕; a number in parentheses (a document cited in the preamble) is not the plan's.
- Issue date (成文日期): a `2022年11月7日` that closes its paragraph (the signature under the
  issuers), before the first part or after the last item. `发布日期:2022-11-25` is the
  publication date, kept apart.
- Issuers: the bodies written before that date (on its line or the line before), else those
  before `关于印发` in the notice title.
"""

from __future__ import annotations

import re
from datetime import date

from plans.importer.names import split_issuers, squash
from plans.importer.normalize import DOC_KIND_END, Para, is_title_like

_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
DATE_CLOSING = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_PUBLISHED = re.compile(
    r"(?:发布|公开|发文)(?:日期|时间)\s*[:：]\s*(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})"
)
_LABEL_BEFORE = re.compile(r"(日期|时间)\s*[:：]\s*$")
_DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,8})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(\d{1,4})\s*号"
)
_QUOTED = re.compile(r"《([^《》]+)》")
_ORG_END = re.compile(r"(政府|办公厅|办公室|局|厅|委|委员会|院|部|署|中心)$")


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def find_title(front: list[Para]) -> str | None:
    for para in front:
        text = para.text
        for match in _QUOTED.finditer(text):
            before, after = text[max(match.start() - 4, 0) : match.start()], text[match.end() :]
            issued = "印发" in before or after.lstrip().startswith(("的通知", "印发"))
            if issued and DOC_KIND_END.search(match.group(1).strip()):
                return squash(match.group(1))
    for para in front:
        if is_title_like(para.text) and "印发" not in para.text:
            return squash(para.text)
    return None


def find_doc_number(front: list[Para]) -> str | None:
    for para in front:
        text = para.text
        for match in _DOC_NUMBER.finditer(text):
            before = text[: match.start()]
            if before.rstrip()[-1:] in ("(", "（") or before.count("《") > before.count("》"):
                continue
            prefix = re.sub(r"^.*(通知|意见|方案|函|号)", "", match.group(1))[-6:]
            if prefix:
                return f"{prefix}〔{match.group(2)}〕{match.group(3)}号"
    return None


def find_published(front: list[Para]) -> date | None:
    for para in front:
        match = _PUBLISHED.search(para.text)
        if match:
            return _date(*match.groups())
    return None


def looks_like_issuers(text: str) -> list[str]:
    """The issuing bodies a signature line names, or [] when the text is not one."""
    text = text.strip()
    if not text or len(text) > 80 or re.search(r"[，。；,;：:《》“”]", text):
        return []
    names = split_issuers(text)
    if names and all(_ORG_END.search(n) for n in names):
        return names
    return []


def find_signature(front: list[Para], tail: list[Para]) -> tuple[date | None, list[str]]:
    """The issue date and the issuers signed above it."""
    for paras in (front, tail):
        for index, para in enumerate(paras):
            match = DATE_CLOSING.search(para.text)
            if not match or _LABEL_BEFORE.search(para.text[: match.start()]):
                continue
            issued = _date(*match.groups())
            if issued is None:
                continue
            issuers = looks_like_issuers(para.text[: match.start()])
            if not issuers and not para.text[: match.start()].strip() and index:
                issuers = looks_like_issuers(paras[index - 1].text)
            return issued, issuers
    return None, []


def issuers_from_notice(front: list[Para]) -> list[str]:
    """`海南省人民政府国家知识产权局关于印发《…》的通知` → the two bodies before `关于`; also
    `嘉兴市人民政府关于…的实施意见`."""
    for para in front:
        if "印发" not in para.text and not is_title_like(para.text):
            continue
        match = re.match(r"^(.{2,60}?)关于", para.text)
        if match:
            names = looks_like_issuers(match.group(1))
            if names:
                return names
    return []
