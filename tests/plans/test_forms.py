"""The import form decides, before reading anything, whether a document is parsed inline or
by a background job (IMPORT_INLINE_MAX_BYTES), and refuses one over IMPORT_MAX_UPLOAD_BYTES."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.forms import ImportForm
from plans.importer.errors import DocumentError


class _Unreadable(SimpleUploadedFile):
    def read(self, *args, **kwargs):
        raise AssertionError("the upload was read")


def _form(*, text: str = "", document=None, **data) -> ImportForm:
    form = ImportForm({"text": text, **data}, {"document": document} if document else {})
    assert form.is_valid(), form.errors
    return form


def test_a_document_up_to_the_inline_limit_is_read_inline(settings):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    assert not _form(text="一二三").is_large()  # 9 bytes in UTF-8
    assert _form(text="一二三四").is_large()  # pasted text counts in bytes, not characters


def test_an_upload_is_judged_by_its_size_without_being_read(settings):
    settings.IMPORT_INLINE_MAX_BYTES = 100
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    assert _form(document=_Unreadable("a.txt", b"x" * 500)).is_large()
    with pytest.raises(DocumentError) as refused:
        _form(document=_Unreadable("a.txt", b"x" * 1001)).is_large()
    assert "IMPORT_MAX_UPLOAD_BYTES" in str(refused.value) and "文件过大" in str(refused.value)


def test_the_overrides_are_the_metadata_fields():
    form = _form(text="正文", title="标题", doc_number="琼府〔2022〕39号", issued_on="2022-05-01")
    assert form.overrides() == {
        "title": "标题",
        "doc_number": "琼府〔2022〕39号",
        "issued_on": dt.date(2022, 5, 1),
        "region": "",
    }
