"""Bulk import of users from an Excel sheet (姓名, 用户名, 单位, 角色, 手机, 邮箱): read the
sheet, check every row against the administrator's scope and the database, then create all
users or none."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from administration.services.users import (
    administration_log,
    clean_phone,
    phone_set,
    set_temporary_password,
)
from agencies import rules
from agencies.models import Agency, Membership, Role

HEADERS = ("姓名", "用户名", "单位", "角色", "手机", "邮箱")
REQUIRED = ("姓名", "用户名", "单位", "角色")
FIELDS = ("full_name", "username", "agency_name", "role_text", "phone", "email")
# Each new user's password is hashed on purpose slowly: a sheet is bounded so that the
# import stays within one request.
MAX_ROWS = 300


class SheetError(Exception):
    """The file is not a sheet this import can read; the message says why."""


@dataclass
class SheetRow:
    number: int  # as Excel shows it: the header is row 1
    full_name: str = ""
    username: str = ""
    agency_name: str = ""
    role_text: str = ""
    phone: str = ""
    email: str = ""
    agency: Agency | None = None
    role: str = ""
    errors: list[str] = field(default_factory=list)

    def raw(self) -> dict[str, Any]:
        return {"number": self.number, **{name: getattr(self, name) for name in FIELDS}}


class ImportRejected(Exception):
    """Some rows are wrong: nothing was written."""

    def __init__(self, rows: list[SheetRow]) -> None:
        super().__init__(_("有 %(n)d 行有误，未导入任何用户。") % {"n": len(bad_rows(rows))})
        self.rows = rows


def bad_rows(rows: list[SheetRow]) -> list[SheetRow]:
    return [row for row in rows if row.errors]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed as a number
    return str(value).strip()


def sheet_read(*, data: bytes) -> list[SheetRow]:
    """The rows of the first sheet, by header name; blank rows are skipped."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise SheetError(_("无法读取该文件，请上传用模板填写的 .xlsx 文件。")) from None
    lines = book.worksheets[0].iter_rows(values_only=True)
    header = [_text(cell) for cell in next(lines, ())]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise SheetError(_("第 1 行缺少表头：%(names)s。") % {"names": "、".join(missing)})
    columns = {name: header.index(name) for name in HEADERS if name in header}
    rows = []
    for number, line in enumerate(lines, start=2):
        values = {
            attr: _text(line[columns[name]])
            if name in columns and columns[name] < len(line)
            else ""
            for name, attr in zip(HEADERS, FIELDS, strict=True)
        }
        if any(values.values()):
            rows.append(SheetRow(number=number, **values))
        if len(rows) > MAX_ROWS:
            raise SheetError(_("一次最多导入 %(n)d 个用户。") % {"n": MAX_ROWS})
    book.close()
    if not rows:
        raise SheetError(_("表中没有数据行。"))
    return rows


def rows_from_raw(raw: list[dict[str, Any]]) -> list[SheetRow]:
    """The rows a preview carried to the confirmation (they are checked again)."""
    return [
        SheetRow(**{k: str(v) for k, v in r.items() if k in FIELDS}, number=int(r["number"]))
        for r in raw
    ]


def _role(text: str) -> str:
    """A role by its Chinese label (协调员, …), its label in the interface's language, or its
    code (coordinator, …)."""
    labels = {str(label).lower(): value for value, label in Role.choices}
    with translation.override("zh-hans"):
        labels |= {str(label): value for value, label in Role.choices}
    lowered = text.lower()
    return labels.get(lowered) or (lowered if lowered in Role.values else "")


class _Agencies:
    """Resolves the 单位 column: the full name, or a short name unique in the scope."""

    def __init__(self, actor: Any, names: set[str]) -> None:
        self.scope = set(rules.administered_agencies(actor).values_list("pk", flat=True))
        found = list(Agency.objects.filter(name__in=names)) + list(
            Agency.objects.filter(short_name__in=names, pk__in=self.scope)
        )
        self.by_name = {a.name: a for a in found}
        self.by_short: dict[str, list[Agency]] = {}
        for agency in found:
            if agency.short_name and agency.pk in self.scope:
                self.by_short.setdefault(agency.short_name, []).append(agency)

    def resolve(self, name: str) -> tuple[Agency | None, str]:
        agency = self.by_name.get(name)
        short = {a.pk: a for a in self.by_short.get(name, [])}
        if agency is None and len(short) > 1:
            return None, _("有多个单位简称为“%(name)s”，请填写全称。") % {"name": name}
        agency = agency or next(iter(short.values()), None)
        if agency is None:
            return None, _("未找到单位“%(name)s”。") % {"name": name}
        if agency.pk not in self.scope:
            return None, _("单位“%(name)s”不在您的管理范围内。") % {"name": name}
        if agency.is_collective:
            return None, _("“%(name)s”是集合单位，不能作为用户所属单位。") % {"name": name}
        return agency, ""


def _check_row(row: SheetRow, agencies: _Agencies, taken: set[str], seen: dict[str, int]) -> None:
    if not row.full_name:
        row.errors.append(_("缺少姓名。"))
    elif len(row.full_name) > 150:
        row.errors.append(_("姓名过长，最多 150 个字。"))
    key = row.username.lower()
    if not row.username:
        row.errors.append(_("缺少用户名。"))
    else:
        try:
            get_user_model().username_validator(row.username)
        except ValidationError:
            row.errors.append(_("用户名只能包含字母、数字和 @/./+/-/_。"))
        if key in seen:
            row.errors.append(_("用户名与第 %(n)d 行重复。") % {"n": seen[key]})
        elif key in taken:
            row.errors.append(_("用户名“%(name)s”已被使用。") % {"name": row.username})
        seen.setdefault(key, row.number)
    if not row.agency_name:
        row.errors.append(_("缺少单位。"))
    else:
        row.agency, problem = agencies.resolve(row.agency_name)
        row.errors += [problem] if problem else []
    row.role = _role(row.role_text)
    if not row.role:
        row.errors.append(_("未知角色“%(role)s”。") % {"role": row.role_text})
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(_("邮箱“%(email)s”格式不正确。") % {"email": row.email})
    try:
        clean_phone(row.phone)
    except ValidationError:
        row.errors.append(_("手机号码“%(phone)s”格式不正确。") % {"phone": row.phone})


def user_import_check(*, actor: Any, rows: list[SheetRow]) -> list[SheetRow]:
    """Every row checked; each carries its errors (none when it can be imported)."""
    names = {row.username.lower() for row in rows if row.username}
    taken = set(
        get_user_model()
        .objects.annotate(lowered=Lower("username"))
        .filter(lowered__in=names)
        .values_list("lowered", flat=True)
    )
    agencies = _Agencies(actor, {row.agency_name for row in rows if row.agency_name})
    seen: dict[str, int] = {}
    for row in rows:
        row.errors, row.agency, row.role = [], None, ""
        _check_row(row, agencies, taken, seen)
    return rows


def user_import(*, actor: Any, rows: list[SheetRow]) -> list[tuple[Any, str]]:
    """Create every user of the sheet with their membership and a temporary password, or
    none (ImportRejected, with the rows and their errors)."""
    rows = user_import_check(actor=actor, rows=rows)
    if bad_rows(rows):
        raise ImportRejected(rows)
    created = []
    try:
        with transaction.atomic():
            for row in rows:
                user = get_user_model().objects.create_user(
                    username=row.username, email=row.email, first_name=row.full_name
                )
                Membership.objects.create(user=user, agency=row.agency, role=row.role)
                phone_set(user=user, phone=row.phone)
                created.append((user, set_temporary_password(user)))
                administration_log(
                    actor=actor,
                    action="user_import",
                    target=user,
                    agency=row.agency.name,  # type: ignore[union-attr]
                    role=row.role,
                    row=row.number,
                )
    except IntegrityError:  # a username taken between the check and the write
        raise ImportRejected(user_import_check(actor=actor, rows=rows)) from None
    return created


def user_import_template(*, example_agency: str) -> bytes:
    """The sheet to fill in: the header row and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "用户"
    sheet.append(list(HEADERS))
    sheet.append(
        ["张三", "zhangsan", example_agency, "联络员", "13800000000", "zhangsan@example.gov.cn"]
    )
    for column, width in zip("ABCDEF", (12, 16, 30, 10, 16, 28), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
