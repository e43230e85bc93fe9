"""Uploads through the page a liaison uses: only real PDF/PNG/JPEG/DOCX/XLSX by content, under
a generated name, never a bomb or a page in disguise; a refusal stores nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reports.models import Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _office(kind: str, *, bomb: bool = False, members: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
        if bomb:
            archive.writestr(
                f"{'xl' if kind == 'xlsx' else 'word'}/media/zeros.bin", b"\0" * 2**23
            )  # 8 MiB of zeros: ratio ~1000:1
        for n in range(members):
            archive.writestr(f"xl/parts/{n}.xml", "")
    return buffer.getvalue()


def _post(world, name: str, data: bytes):
    client = Client()
    client.force_login(world.users["liaison"])
    report = world.report_a1_commerce
    return client.post(
        f"/reports/{report.pk}/attachments/",
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "data", "shown"),
    [
        ("台账.xlsx", _office("xlsx", bomb=True), "压缩炸弹"),
        ("说明.docx", _office("docx", bomb=True), "压缩炸弹"),
        ("台账.xlsx", _office("xlsx", members=5000), "文件过多"),
        ("照片.png", PNG + b"<html><script>alert(1)</script></html>", "脚本"),
        ("<img src=x onerror=alert(1)>.pdf", b"<svg onload=alert(1)>", "脚本"),
        ("证明.pdf", b"GIF89a<script>alert(1)</script>", "脚本"),
    ],
)
def test_a_refused_upload_says_why_and_stores_nothing(world, name, data, shown) -> None:
    page = _post(world, name, data).content.decode()
    assert shown in page
    assert "<img src=x" not in page and "<script>alert" not in page
    assert not Attachment.objects.exists()


def test_a_path_in_the_name_is_dropped_and_the_file_gets_a_generated_name(world) -> None:
    response = _post(world, "..\\..\\..\\windows/../../etc/passwd.png", PNG)
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    assert ".." not in attachment.file.name and attachment.file.name.startswith("attachments/")
    download = Client()
    download.force_login(world.users["local_viewer"])
    served = download.get(f"/reports/attachments/{attachment.pk}/")
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("attachment;")
