"""管理 → 本地区单位: the list (待核实 first), confirm, rename, aliases, webhook, name variants;
each with its own-admin / liaison / other-province-admin permission cases."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.models import AgencyAlias, NameVariant, Region
from security.models import Kind, SecurityEvent
from tasks.models import Event, EventKind
from tests.administration.factories_agencies import admin_of
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_admin(world):
    return admin_of(world.hunan_office, "other_admin")


def _new_agency(world):
    hainan = world.hainan_office.region
    return AgencyFactory(name="海南省新建单位", region=hainan, needs_review=True)


def _client(client, user):
    client.force_login(user)
    return client


def _admin_log(action: str) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=Kind.ADMINISTRATION, detail__action=action))


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_the_regions_agencies_needing_review_first(client, world, other_admin):
    hainan = world.hainan_office.region
    AgencyFactory(name="海南省新建单位", region=hainan, needs_review=True)
    page = _client(client, world.users["admin"]).get(reverse("administration:agency_list"))
    assert page.status_code == 200
    names = [a.name for a in page.context["page"]]
    assert names[0] == "海南省新建单位"
    assert "海南省商务厅" in names
    assert "湖南省知识产权局" not in names  # another province's
    assert "国家知识产权局运用促进司" not in names  # NIPA's


def test_the_list_filters_by_review_and_name(client, world):
    AgencyFactory(name="海南省新建单位", region=world.hainan_office.region, needs_review=True)
    c = _client(client, world.users["admin"])
    page = c.get(reverse("administration:agency_list"), {"review": "yes"})
    assert [a.name for a in page.context["page"]] == ["海南省新建单位"]
    page = c.get(reverse("administration:agency_list"), {"q": "商务"})
    assert [a.name for a in page.context["page"]] == ["海南省商务厅"]


def test_a_liaison_may_not_open_the_list(client, world):
    page = _client(client, world.users["liaison"]).get(reverse("administration:agency_list"))
    assert page.status_code == 403


def test_another_provinces_admin_sees_only_their_own(client, world, other_admin):
    page = _client(client, other_admin).get(reverse("administration:agency_list"))
    assert {a.name for a in page.context["page"]} == {"湖南省知识产权局", "湖南省科学技术厅"}


def test_the_agency_page_answers_own_admin_liaison_and_other_admin(client, world, other_admin):
    url = reverse("administration:agency_detail", args=[world.hainan_commerce.pk])
    assert _client(client, world.users["admin"]).get(url).status_code == 200
    assert _client(client, world.users["liaison"]).get(url).status_code == 403
    assert _client(client, other_admin).get(url).status_code == 404
    assert SecurityEvent.objects.filter(kind=Kind.REFUSED).count() == 2


# --- confirm -------------------------------------------------------------------------------


def test_confirming_clears_review_with_an_event_without_plan(client, world):
    agency = AgencyFactory(
        name="海南省新建单位", region=world.hainan_office.region, needs_review=True
    )
    c = _client(client, world.users["admin"])
    response = c.post(reverse("administration:agency_confirm", args=[agency.pk]))
    assert response.status_code == 302
    agency.refresh_from_db()
    assert not agency.needs_review
    event = Event.objects.get(kind=EventKind.AGENCY_CONFIRMED)
    assert (event.agency, event.plan, event.actor) == (agency, None, world.users["admin"])
    assert _admin_log("agency_confirm")[0].username == "admin"
    # The agency's page shows its timeline, the plan-less event included.
    page = c.get(reverse("administration:agency_detail", args=[agency.pk]))
    assert "单位核实" in page.content.decode()


def test_confirming_from_the_list_goes_back_to_the_list(client, world):
    agency = AgencyFactory(
        name="海南省新建单位", region=world.hainan_office.region, needs_review=True
    )
    back = reverse("administration:agency_list") + "?review=yes"
    response = _client(client, world.users["admin"]).post(
        reverse("administration:agency_confirm", args=[agency.pk]), {"next": back}
    )
    assert response["Location"] == back


@pytest.mark.parametrize("back", ["<script>", "agency_list", "https://evil.example/"])
def test_a_next_that_is_not_a_page_of_ours_confirms_and_goes_to_the_agency(client, world, back):
    agency = AgencyFactory(
        name="海南省另一新建单位", region=world.hainan_office.region, needs_review=True
    )
    response = _client(client, world.users["admin"]).post(
        reverse("administration:agency_confirm", args=[agency.pk]), {"next": back}
    )
    assert response["Location"] == reverse("administration:agency_detail", args=[agency.pk])
    agency.refresh_from_db()
    assert not agency.needs_review


def test_confirming_twice_says_so(client, world):
    c = _client(client, world.users["admin"])
    response = c.post(
        reverse("administration:agency_confirm", args=[world.hainan_commerce.pk]), follow=True
    )
    assert "已核实" in response.content.decode()
    assert not Event.objects.filter(kind=EventKind.AGENCY_CONFIRMED).exists()


def test_confirming_is_refused_to_liaison_and_other_admin(client, world, other_admin):
    agency = AgencyFactory(
        name="海南省新建单位", region=world.hainan_office.region, needs_review=True
    )
    url = reverse("administration:agency_confirm", args=[agency.pk])
    assert _client(client, world.users["liaison"]).post(url).status_code == 403
    assert _client(client, other_admin).post(url).status_code == 404
    agency.refresh_from_db()
    assert agency.needs_review


# --- rename --------------------------------------------------------------------------------


def test_renaming_saves_name_and_short_name(client, world):
    url = reverse("administration:agency_rename", args=[world.hainan_commerce.pk])
    response = _client(client, world.users["admin"]).post(
        url, {"name": "海南省商务厅（新）", "short_name": "省商务厅"}
    )
    assert response.status_code == 302
    world.hainan_commerce.refresh_from_db()
    assert (world.hainan_commerce.name, world.hainan_commerce.short_name) == (
        "海南省商务厅（新）",
        "省商务厅",
    )
    assert _admin_log("agency_rename")[0].detail["before"]["name"] == "海南省商务厅"


def test_renaming_to_a_taken_name_is_refused_with_a_clear_message(client, world):
    url = reverse("administration:agency_rename", args=[world.hainan_commerce.pk])
    response = _client(client, world.users["admin"]).post(url, {"name": "湖南省知识产权局"})
    assert response.status_code == 400
    assert "已有名为“湖南省知识产权局”的单位" in response.content.decode()
    world.hainan_commerce.refresh_from_db()
    assert world.hainan_commerce.name == "海南省商务厅"


def test_renaming_is_refused_to_liaison_and_other_admin(client, world, other_admin):
    url = reverse("administration:agency_rename", args=[world.hainan_commerce.pk])
    assert _client(client, world.users["liaison"]).post(url, {"name": "x"}).status_code == 403
    assert _client(client, other_admin).post(url, {"name": "x"}).status_code == 404


# --- aliases -------------------------------------------------------------------------------


def test_adding_and_removing_an_alias(client, world):
    c = _client(client, world.users["admin"])
    hainan = world.hainan_office.region
    url = reverse("administration:agency_alias_add", args=[world.hainan_commerce.pk])
    assert c.post(url, {"region": hainan.pk, "name": "省商务厅"}).status_code == 302
    alias = AgencyAlias.objects.get(region=hainan, name="省商务厅")
    assert alias.agency == world.hainan_commerce
    remove = reverse("administration:agency_alias_remove", args=[alias.pk])
    assert c.post(remove).status_code == 302
    assert not AgencyAlias.objects.filter(pk=alias.pk).exists()
    assert [e.detail["alias"] for e in _admin_log("alias_add") + _admin_log("alias_remove")] == [
        "省商务厅",
        "省商务厅",
    ]


def test_an_alias_taken_in_the_region_names_its_agency(client, world):
    hainan = world.hainan_office.region
    AgencyAlias.objects.create(region=hainan, name="省局", agency=world.hainan_office)
    url = reverse("administration:agency_alias_add", args=[world.hainan_commerce.pk])
    response = _client(client, world.users["admin"]).post(
        url, {"region": hainan.pk, "name": "省局"}
    )
    assert response.status_code == 400
    assert "“省局”在海南省已指向“海南省知识产权局”" in response.content.decode()


def test_an_alias_in_another_provinces_region_is_refused(client, world):
    hunan = Region.objects.get(name="湖南省")
    url = reverse("administration:agency_alias_add", args=[world.hainan_commerce.pk])
    response = _client(client, world.users["admin"]).post(url, {"region": hunan.pk, "name": "x"})
    assert response.status_code == 400
    assert not AgencyAlias.objects.filter(name="x").exists()


def test_aliases_are_refused_to_liaison_and_other_admin(client, world, other_admin):
    alias = AgencyAlias.objects.create(
        region=world.hainan_office.region, name="省局", agency=world.hainan_office
    )
    remove = reverse("administration:agency_alias_remove", args=[alias.pk])
    assert _client(client, world.users["liaison"]).post(remove).status_code == 403
    assert _client(client, other_admin).post(remove).status_code == 404
    assert AgencyAlias.objects.filter(pk=alias.pk).exists()


# --- webhook -------------------------------------------------------------------------------


def test_the_webhook_must_be_https(client, world):
    c = _client(client, world.users["admin"])
    url = reverse("administration:agency_webhook", args=[world.hainan_commerce.pk])
    response = c.post(url, {"webhook_url": "http://qyapi.weixin.qq.com/cgi-bin/webhook/send"})
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    hook = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    assert c.post(url, {"webhook_url": hook}).status_code == 302
    world.hainan_commerce.refresh_from_db()
    assert world.hainan_commerce.webhook_url == hook
    entry = _admin_log("agency_webhook")[0]
    assert entry.detail["set"] is True and "abc" not in str(entry.detail)


def test_the_webhook_is_refused_to_liaison_and_other_admin(client, world, other_admin):
    url = reverse("administration:agency_webhook", args=[world.hainan_commerce.pk])
    data = {"webhook_url": "https://example.org/hook"}
    assert _client(client, world.users["liaison"]).post(url, data).status_code == 403
    assert _client(client, other_admin).post(url, data).status_code == 404


# --- name variants -------------------------------------------------------------------------


def test_adding_and_removing_a_name_variant(client, world):
    c = _client(client, world.users["admin"])
    url = reverse("administration:name_variant_list")
    response = c.post(url, {"variant": "琼高院", "canonical": "海南省高级人民法院"})
    assert response.status_code == 302
    row = NameVariant.objects.get(variant="琼高院")
    assert row.canonical == "海南省高级人民法院"
    assert "海南省高级人民法院" in c.get(url).content.decode()
    assert c.post(reverse("administration:name_variant_remove", args=[row.pk])).status_code == 302
    assert not NameVariant.objects.filter(variant="琼高院").exists()
    assert len(_admin_log("name_variant_add") + _admin_log("name_variant_remove")) == 2


def test_a_duplicate_variant_is_refused(client, world):
    NameVariant.objects.create(variant="琼高院", canonical="海南省高级人民法院")
    response = _client(client, world.users["admin"]).post(
        reverse("administration:name_variant_list"), {"variant": "琼高院", "canonical": "省法院"}
    )
    assert response.status_code == 400
    assert "简写“琼高院”已在表中" in response.content.decode()
    assert NameVariant.objects.get(variant="琼高院").canonical == "海南省高级人民法院"


def test_name_variants_are_for_administrators(client, world, other_admin):
    """The table is shared by every region: any administrator extends it, nobody else."""
    url = reverse("administration:name_variant_list")
    data = {"variant": "琼市监局", "canonical": "市场监督管理局"}
    assert _client(client, world.users["liaison"]).get(url).status_code == 403
    assert _client(client, world.users["liaison"]).post(url, data).status_code == 403
    assert _client(client, other_admin).post(url, data).status_code == 302
    row = NameVariant.objects.get(variant="琼市监局")
    remove = reverse("administration:name_variant_remove", args=[row.pk])
    assert _client(client, world.users["coordinator"]).post(remove).status_code == 403
    assert NameVariant.objects.filter(pk=row.pk).exists()
