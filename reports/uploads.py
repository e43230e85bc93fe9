"""Evidence files are checked by their content, never by their name.

Accepted: PDF, PNG, JPEG, and the Office Open XML files DOCX and XLSX (zip containers, which
are opened to refuse zip bombs). A file whose first bytes carry HTML or script is refused,
whatever it claims to be, so no upload can be served back as a page.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ZIP_MAX_MEMBERS = 2000
ZIP_MAX_TOTAL = 200 * 1024 * 1024  # uncompressed bytes
ZIP_MAX_RATIO = 100  # uncompressed / compressed, per member
_MARKUP = re.compile(rb"<\s*(script|html|body|iframe|svg|object)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def _zip_kind(data: bytes) -> Sniffed:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ValidationError(_("文件已损坏，无法打开。")) from exc
    if len(members) > ZIP_MAX_MEMBERS:
        raise ValidationError(_("文件结构异常（压缩包内文件过多），已拒收。"))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > ZIP_MAX_TOTAL or (member.file_size > 1024 * 1024 and ratio > ZIP_MAX_RATIO):
            raise ValidationError(_("文件解压后体积异常（疑似压缩炸弹），已拒收。"))
    names = {m.filename for m in members}
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return Sniffed(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
            )
        if any(n.startswith("xl/") for n in names):
            return Sniffed(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
            )
    raise ValidationError(_("仅支持 pdf、docx、xlsx、jpg、png 格式的文件。"))


def sniff(data: bytes) -> Sniffed:
    """The real type of an upload, or ValidationError with a message for the user."""
    limit = getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
    if not data:
        raise ValidationError(_("文件为空。"))
    if len(data) > limit:
        raise ValidationError(_("文件超过 %(mb)d MB 的上限。") % {"mb": limit // (1024 * 1024)})
    if _MARKUP.search(data[:4096]):
        raise ValidationError(_("文件内容包含网页或脚本代码，已拒收。"))
    if data.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "pdf")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "png")
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "jpg")
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    raise ValidationError(_("仅支持 pdf、docx、xlsx、jpg、png 格式的文件。"))


def display_name(name: str, *, extension: str) -> str:
    """The user's file name, kept only for display: no path, no control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(
        c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C"
    )
    base = base.strip(" .")[:200] or f"file.{extension}"
    return base
