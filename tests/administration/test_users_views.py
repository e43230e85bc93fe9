"""管理 → 用户与角色: the three-user permission matrix, and what an administrator does there."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from agencies.models import Membership, Role
from api.models import ApiToken
from api.tokens import token_issue
from security.models import Kind, PasswordState, SecurityEvent
from tests.administration.factories_users import add_other_admin, client_for
from tests.factories import PASSWORD, AgencyFactory, RegionFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def admin_world(world):
    add_other_admin(world)
    return world


def _admin_log(actor, action: str):
    return SecurityEvent.objects.filter(
        kind=Kind.ADMINISTRATION, user_id=actor.pk, detail__action=action
    )


# --- permissions ------------------------------------------------------------------------

PAGES = ["user_list", "user_create", "user_import", "user_import_template"]
USER_GETS = ["user_detail", "user_edit"]
USER_POSTS = [
    "user_deactivate",
    "user_reactivate",
    "user_password_reset",
    "membership_add",
    "token_issue",
]


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_open_for_administrators_only(admin_world, name) -> None:
    url = reverse(f"administration:{name}")
    assert client_for(admin_world.users["admin"]).get(url).status_code == 200
    assert client_for(admin_world.users["other_admin"]).get(url).status_code == 200
    assert client_for(admin_world.users["liaison"]).get(url).status_code == 403
    assert client_for(admin_world.users["coordinator"]).get(url).status_code == 403


@pytest.mark.parametrize("name", USER_GETS)
def test_a_user_of_another_province_is_not_found(admin_world, name) -> None:
    target = admin_world.users["liaison"]
    url = reverse(f"administration:{name}", args=[target.pk])
    assert client_for(admin_world.users["admin"]).get(url).status_code == 200
    assert client_for(admin_world.users["liaison"]).get(url).status_code == 403
    assert client_for(admin_world.users["other_admin"]).get(url).status_code == 404


@pytest.mark.parametrize("name", USER_POSTS)
def test_changes_to_another_provinces_user_are_refused_and_logged(admin_world, name) -> None:
    target = admin_world.users["liaison"]
    url = reverse(f"administration:{name}", args=[target.pk])
    data = {"agency": admin_world.hainan_office.pk, "role": Role.VIEWER, "name": "x"}
    other, liaison = admin_world.users["other_admin"], admin_world.users["liaison"]
    assert client_for(other).post(url, data).status_code == 404
    assert client_for(liaison).post(url, data).status_code == 403
    refused = SecurityEvent.objects.filter(kind=Kind.REFUSED)
    assert refused.filter(user_id=other.pk, detail__status=404).exists()
    assert refused.filter(user_id=liaison.pk, detail__status=403).exists()
    target.refresh_from_db()
    assert target.is_active and target.memberships.count() == 1
    assert not ApiToken.objects.filter(user=target).exists()
    assert not SecurityEvent.objects.filter(kind=Kind.ADMINISTRATION).exists()


def test_the_list_shows_the_scope_with_memberships(admin_world) -> None:
    body = client_for(admin_world.users["admin"]).get("/manage/users/").content.decode()
    assert "liaison" in body and "海南省商务厅 · 联络员" in body
    assert "other_coordinator" not in body and "nipa_viewer" not in body
    other = client_for(admin_world.users["other_admin"]).get("/manage/users/").content.decode()
    assert "other_coordinator" in other and "海南省商务厅" not in other


def test_the_list_searches(admin_world) -> None:
    client = client_for(admin_world.users["admin"])
    body = client.get("/manage/users/", {"q": "商务厅"}).content.decode()
    assert "local_viewer" in body and "secretary" not in body


# --- create and edit --------------------------------------------------------------------


def _create(client: Client, world, **overrides):
    data = {
        "full_name": "王五",
        "username": "wangwu",
        "agency": world.hainan_commerce.pk,
        "role": Role.LIAISON,
        "email": "wangwu@example.gov.cn",
        "phone": "13800138000",
        **overrides,
    }
    return client.post(reverse("administration:user_create"), data)


def test_creating_a_user_shows_a_temporary_password_that_must_be_changed(admin_world) -> None:
    admin = admin_world.users["admin"]
    response = _create(client_for(admin), admin_world)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(username="wangwu")
    password = response.context["password"]
    assert password in response.content.decode()
    assert user.check_password(password) and user.first_name == "王五"
    assert user.memberships.get().role == Role.LIAISON and user.profile.phone == "13800138000"
    assert PasswordState.objects.get(user=user).must_change
    entry = _admin_log(admin, "user_create").get()
    assert entry.detail["target"] == "wangwu" and entry.detail["agency"] == "海南省商务厅"
    # The new user logs in and is sent to change the password first.
    client = Client()
    client.post("/accounts/login/", {"username": "wangwu", "password": password})
    assert client.get("/").headers["Location"] == "/accounts/password/"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"username": "liaison"}, "username", "已被使用"),
        ({"username": "LIAISON"}, "username", "已被使用"),
        ({"username": "有 空格"}, "username", "用户名只能包含"),
        ({"email": "not-an-email"}, "email", "邮箱格式不正确"),
        ({"phone": "call me"}, "phone", "手机号码“call me”格式不正确"),
        ({"full_name": ""}, "full_name", ""),
        ({"role": "boss"}, "role", ""),
    ],
)
def test_bad_input_creates_nobody(admin_world, overrides, field, message) -> None:
    before = User.objects.count()
    response = _create(client_for(admin_world.users["admin"]), admin_world, **overrides)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_an_agency_outside_the_scope_cannot_be_chosen(admin_world) -> None:
    other = client_for(admin_world.users["other_admin"])
    response = _create(other, admin_world, agency=admin_world.hainan_commerce.pk)
    assert response.status_code == 400 and response.context["form"].errors["agency"]
    assert not User.objects.filter(username="wangwu").exists()


def test_a_provincial_admin_runs_the_agencies_of_its_cities_too(admin_world) -> None:
    haikou = RegionFactory(name="海口市", parent=admin_world.hainan_office.region)
    city_office = AgencyFactory(name="海口市市场监督管理局", region=haikou)
    response = _create(client_for(admin_world.users["admin"]), admin_world, agency=city_office.pk)
    assert response.status_code == 200
    assert Membership.objects.get(user__username="wangwu").agency == city_office


def test_editing_a_user_saves_and_logs_what_changed(admin_world) -> None:
    admin, target = admin_world.users["admin"], admin_world.users["liaison"]
    url = reverse("administration:user_edit", args=[target.pk])
    data = {"full_name": "李四", "email": "lisi@example.cn", "phone": "0898-65300000"}
    response = client_for(admin).post(url, data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.first_name, target.email) == ("李四", "lisi@example.cn")
    assert target.profile.phone == "0898-65300000"
    changes = _admin_log(admin, "user_update").get().detail["changes"]
    assert changes["first_name"] == ["", "李四"] and changes["phone"] == ["", "0898-65300000"]
    bad = client_for(admin).post(url, {"full_name": "李四", "email": "bad@"})
    assert bad.status_code == 400 and "邮箱格式不正确" in bad.content.decode()


# --- deactivate, reactivate, reset ------------------------------------------------------


def test_deactivating_ends_sessions_and_tokens_at_once(admin_world, token_client) -> None:
    admin, target = admin_world.users["admin"], admin_world.users["liaison"]
    session = client_for(target)
    assert session.get("/").status_code == 200
    api = token_client(target)
    assert api.get("/api/v1/plans/").status_code == 200
    url = reverse("administration:user_deactivate", args=[target.pk])
    assert client_for(admin).post(url).status_code == 302
    assert session.get("/").status_code == 302  # logged out: to the login page
    assert api.get("/api/v1/plans/").status_code == 401
    assert _admin_log(admin, "user_deactivate").filter(detail__target="liaison").exists()
    again = client_for(admin).post(url, follow=True)
    assert "该用户已停用" in again.content.decode()
    reactivate = reverse("administration:user_reactivate", args=[target.pk])
    assert client_for(admin).post(reactivate).status_code == 302
    target.refresh_from_db()
    assert target.is_active
    assert _admin_log(admin, "user_reactivate").exists()


def test_an_administrator_cannot_deactivate_themselves(admin_world) -> None:
    admin = admin_world.users["admin"]
    url = reverse("administration:user_deactivate", args=[admin.pk])
    assert client_for(admin).post(url).status_code == 403
    admin.refresh_from_db()
    assert admin.is_active


def test_a_password_reset_shows_a_temporary_password_once(admin_world) -> None:
    admin, target = admin_world.users["admin"], admin_world.users["liaison"]
    session = client_for(target)
    url = reverse("administration:user_password_reset", args=[target.pk])
    response = client_for(admin).post(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    target.refresh_from_db()
    assert target.check_password(password) and not target.check_password(PASSWORD)
    assert PasswordState.objects.get(user=target).must_change
    assert session.get("/").status_code == 302  # the old session ends with the old password
    assert _admin_log(admin, "password_reset").filter(detail__target="liaison").exists()
    detail = client_for(admin).get(reverse("administration:user_detail", args=[target.pk]))
    assert password not in detail.content.decode()


# --- memberships ------------------------------------------------------------------------


def test_adding_and_removing_a_role(admin_world) -> None:
    admin, target = admin_world.users["admin"], admin_world.users["liaison"]
    client = client_for(admin)
    add = reverse("administration:membership_add", args=[target.pk])
    data = {"agency": admin_world.hainan_office.pk, "role": Role.SECRETARY}
    assert client.post(add, data).status_code == 302
    added = Membership.objects.get(user=target, role=Role.SECRETARY)
    assert _admin_log(admin, "membership_add").get().detail["role"] == Role.SECRETARY
    duplicate = client.post(add, data)
    assert duplicate.status_code == 400 and "已有这一角色" in duplicate.content.decode()
    remove = reverse("administration:membership_remove", args=[target.pk, added.pk])
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(pk=added.pk).exists()
    assert _admin_log(admin, "membership_remove").exists()


def test_the_last_role_in_the_scope_stays(admin_world) -> None:
    admin, target = admin_world.users["admin"], admin_world.users["liaison"]
    only = target.memberships.get()
    url = reverse("administration:membership_remove", args=[target.pk, only.pk])
    response = client_for(admin).post(url, follow=True)
    assert "最后一个角色" in response.content.decode()
    assert Membership.objects.filter(pk=only.pk).exists()


def test_a_role_in_another_provinces_agency_cannot_be_added(admin_world) -> None:
    admin, target = admin_world.users["admin"], admin_world.users["liaison"]
    url = reverse("administration:membership_add", args=[target.pk])
    data = {"agency": admin_world.hunan_office.pk, "role": Role.ADMIN}
    response = client_for(admin).post(url, data)
    assert response.status_code == 400
    assert not target.memberships.filter(agency=admin_world.hunan_office).exists()


def test_a_membership_outside_the_scope_is_not_found(admin_world) -> None:
    admin, target = admin_world.users["admin"], admin_world.users["liaison"]
    foreign = Membership.objects.create(
        user=target, agency=admin_world.hunan_dept, role=Role.VIEWER
    )
    url = reverse("administration:membership_remove", args=[target.pk, foreign.pk])
    assert client_for(admin).post(url).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


# --- API tokens -------------------------------------------------------------------------


def test_a_token_is_shown_once_listed_and_revoked(admin_world) -> None:
    admin, target = admin_world.users["admin"], admin_world.users["liaison"]
    client = client_for(admin)
    response = client.post(
        reverse("administration:token_issue", args=[target.pk]), {"name": "政务平台同步"}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    value = response.context["value"]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {value}")
    assert api.get("/api/v1/plans/").status_code == 200
    token = ApiToken.objects.get(user=target)
    assert token.created_by == admin
    detail = client.get(reverse("administration:user_detail", args=[target.pk])).content.decode()
    assert "政务平台同步" in detail and f"ipp_{token.prefix}_" in detail and value not in detail
    assert _admin_log(admin, "token_issue").get().detail["token"] == f"ipp_{token.prefix}"
    revoke = reverse("administration:token_revoke", args=[target.pk, token.pk])
    assert client.post(revoke).status_code == 302
    assert api.get("/api/v1/plans/").status_code == 401
    assert _admin_log(admin, "token_revoke").exists()
    assert "已吊销" in client.post(revoke, follow=True).content.decode()


def test_a_token_needs_a_purpose(admin_world) -> None:
    target = admin_world.users["liaison"]
    url = reverse("administration:token_issue", args=[target.pk])
    response = client_for(admin_world.users["admin"]).post(url, {"name": " "})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=target).exists()


def test_another_provinces_token_is_not_found(admin_world) -> None:
    target = admin_world.users["liaison"]
    token, _value = token_issue(user=target, name="ci", issued_by=None)
    url = reverse("administration:token_revoke", args=[target.pk, token.pk])
    assert client_for(admin_world.users["other_admin"]).post(url).status_code == 404
    token.refresh_from_db()
    assert token.is_active
