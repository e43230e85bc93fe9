"""What the user-administration tests add to the two-province world: another province's
administrator, a logged-in client, and Excel sheets built in memory."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from agencies.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.world import World

HEADER = ["姓名", "用户名", "单位", "角色", "手机", "邮箱"]


def add_other_admin(world: World) -> Any:
    """An administrator of the Hunan office: another province's admin."""
    user = UserFactory(username="other_admin")
    MembershipFactory(user=user, agency=world.hunan_office, role=Role.ADMIN)
    world.users["other_admin"] = user
    return user


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet(rows: Iterable[Iterable[Any]], *, header: list[str] | None = None) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(header or HEADER)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "users.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
