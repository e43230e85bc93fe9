"""从 Excel 导入用户: upload → preview of every row → confirm; all rows or none."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Membership, Role
from security.models import Kind, PasswordState, SecurityEvent
from tests.administration.factories_users import (
    HEADER,
    add_other_admin,
    client_for,
    sheet,
    upload,
)
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
URL = "/manage/users/import/"


@pytest.fixture
def admin_world(world):
    add_other_admin(world)
    return world


GOOD = [
    ["张三", "zhangsan", "海南省商务厅", "联络员", 13800000000, "zs@example.gov.cn"],
    ["李四", "lisi", "海南省知识产权局", "coordinator", "", ""],
    ["王五", "wangwu", "海南省知识产权局", "秘书处", "0898-12345678", "ww@example.gov.cn"],
]


def _preview(client, rows, **kwargs):
    return client.post(URL, {"action": "preview", "sheet": upload(sheet(rows, **kwargs))})


def test_the_template_has_the_header_and_an_example_row(admin_world) -> None:
    response = client_for(admin_world.users["admin"]).get(
        reverse("administration:user_import_template")
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][2] in {a.name for a in (admin_world.hainan_office, admin_world.hainan_commerce)}
    assert len(rows) == 2


def test_preview_then_confirm_creates_every_user(admin_world) -> None:
    admin = admin_world.users["admin"]
    client = client_for(admin)
    preview = _preview(client, GOOD)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "zhangsan" in body and "0898-12345678" in body and "确认导入" in body
    assert not User.objects.filter(username="zhangsan").exists()  # nothing before confirming
    payload = preview.context["payload"]
    done = client.post(URL, {"action": "confirm", "rows": payload})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    created = dict((u.username, p) for u, p in done.context["created"])
    assert set(created) == {"zhangsan", "lisi", "wangwu"}
    for username, password in created.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert PasswordState.objects.get(user=user).must_change
        assert password in done.content.decode()
    roles = dict(
        Membership.objects.filter(user__username__in=created).values_list("user__username", "role")
    )
    assert roles == {"zhangsan": Role.LIAISON, "lisi": Role.COORDINATOR, "wangwu": Role.SECRETARY}
    assert User.objects.get(username="zhangsan").first_name == "张三"
    assert User.objects.get(username="zhangsan").profile.phone == "13800000000"
    assert User.objects.get(username="wangwu").profile.phone == "0898-12345678"
    logged = SecurityEvent.objects.filter(
        kind=Kind.ADMINISTRATION, user_id=admin.pk, detail__action="user_import"
    )
    assert sorted(logged.values_list("detail__row", flat=True)) == [2, 3, 4]


def test_every_bad_row_is_listed_with_its_number_and_nothing_is_written(admin_world) -> None:
    UserFactory(username="taken")
    rows = [
        ["甲", "jia", "海南省商务厅", "联络员", "", ""],  # row 2: good
        ["乙", "yi", "不存在的单位", "联络员", "", ""],  # 3: unknown agency
        ["丙", "bing", "湖南省知识产权局", "联络员", "", ""],  # 4: another province
        ["丁", "jia", "海南省商务厅", "联络员", "", ""],  # 5: duplicate in the sheet
        ["戊", "TAKEN", "海南省商务厅", "联络员", "", ""],  # 6: exists in the database
        ["己", "ji", "海南省商务厅", "联络员", "", "not-an-email"],  # 7: bad e-mail
        ["庚", "geng", "海南省商务厅", "领导", "", ""],  # 8: unknown role
        ["", "xin", "海南省商务厅", "联络员", "", ""],  # 9: no name
        ["辛", "ren", "海南省商务厅", "联络员", "电话", ""],  # 10: bad phone
    ]
    response = _preview(client_for(admin_world.users["admin"]), rows)
    body = response.content.decode()
    bad = {row.number: " ".join(row.errors) for row in response.context["bad"]}
    assert set(bad) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert "手机号码“电话”格式不正确" in bad[10]
    assert "未找到单位“不存在的单位”" in bad[3]
    assert "不在您的管理范围内" in bad[4]
    assert "与第 2 行重复" in bad[5]
    assert "已被使用" in bad[6]
    assert "邮箱" in bad[7] and "未知角色“领导”" in bad[8] and "缺少姓名" in bad[9]
    assert "第 3 行" in body and "有 8 行有误" in body
    assert "确认导入" not in body
    assert not User.objects.filter(username__in=["jia", "yi", "ji", "geng", "ren"]).exists()


def test_a_confirmation_rechecks_and_writes_nothing_if_a_row_went_bad(admin_world) -> None:
    client = client_for(admin_world.users["admin"])
    payload = _preview(client, GOOD).context["payload"]
    UserFactory(username="lisi")  # taken between preview and confirmation
    response = client.post(URL, {"action": "confirm", "rows": payload})
    assert response.status_code == 400
    assert [row.number for row in response.context["bad"]] == [3]
    assert not User.objects.filter(username__in=["zhangsan", "wangwu"]).exists()


def test_a_tampered_or_foreign_preview_is_refused(admin_world) -> None:
    payload = _preview(client_for(admin_world.users["admin"]), GOOD).context["payload"]
    other = client_for(admin_world.users["other_admin"])
    response = other.post(URL, {"action": "confirm", "rows": payload}, follow=True)
    assert "预览已过期或无效" in response.content.decode()
    mine = client_for(admin_world.users["admin"])
    assert mine.post(URL, {"action": "confirm", "rows": payload[:-2] + "xx"}).status_code == 302
    assert not User.objects.filter(username="zhangsan").exists()


def test_roles_by_english_code_and_short_agency_names(admin_world) -> None:
    AgencyFactory(
        name="海南省市场监督管理局",
        short_name="省市场监管局",
        region=admin_world.hainan_office.region,
    )
    rows = [
        ["甲", "jia", "省市场监管局", "Viewer", "", ""],
        ["乙", "yi", "海南省商务厅", "admin", "", ""],
    ]
    response = _preview(client_for(admin_world.users["admin"]), rows)
    assert response.context["bad"] == []
    assert [r.role for r in response.context["rows"]] == [Role.VIEWER, Role.ADMIN]
    assert response.context["rows"][0].agency.name == "海南省市场监督管理局"


def test_another_provinces_admin_cannot_import_into_this_province(admin_world) -> None:
    response = _preview(client_for(admin_world.users["other_admin"]), GOOD)
    assert {row.number for row in response.context["bad"]} == {2, 3, 4}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"not a workbook", "users.xlsx", "无法读取该文件"),
        (b"a,b,c", "users.csv", ".xlsx"),
        (sheet([["甲", "jia"]], header=["姓名", "用户名"]), "users.xlsx", "缺少表头：单位、角色"),
        (sheet([]), "users.xlsx", "没有数据行"),
    ],
)
def test_an_unreadable_sheet_is_refused_with_a_reason(admin_world, data, name, message) -> None:
    client = client_for(admin_world.users["admin"])
    response = client.post(URL, {"action": "preview", "sheet": upload(data, name)})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_import_is_for_administrators_only(admin_world) -> None:
    liaison = client_for(admin_world.users["liaison"])
    assert liaison.post(URL, {"action": "preview", "sheet": upload(sheet(GOOD))}).status_code == 403
    assert liaison.post(URL, {"action": "confirm", "rows": "x"}).status_code == 403
    assert not User.objects.filter(username="zhangsan").exists()
