"""督办 pages with the three users: the plan's coordinator, the recipient's liaison and another
province's coordinator (who sees nothing: 404)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from supervision.models import RecipientState, SupervisionNotice
from tests.supervision.factories import in_days, issue, recipient

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _as(client, world, who):
    client.force_login(world.users[who])
    return client


def test_journey_issue_acknowledge_respond_close(client, world):
    _as(client, world, "coordinator")
    url = reverse("supervision:notice_issue", args=["task", world.a1.pk])
    page = client.get(url)
    assert page.status_code == 200 and "海南省商务厅" in page.content.decode()
    response = client.post(
        url,
        {
            "agencies": [world.hainan_commerce.pk],
            "level": "listed",
            "subject": "加快推进",
            "reason": "滞后",
            "deadline": in_days(7).isoformat(),
        },
    )
    notice = SupervisionNotice.objects.get()
    assert response.url == reverse("supervision:notice_detail", args=[notice.pk])
    row = recipient(notice, world.hainan_commerce)

    _as(client, world, "liaison")
    page = client.get(response.url).content.decode()
    assert "签收" in page and str(notice.number_label) in page
    step = lambda action: reverse("supervision:recipient_step", args=[row.pk, action])  # noqa: E731
    client.post(step("acknowledge"))
    evidence = SimpleUploadedFile("evidence.png", PNG)
    client.post(step("respond"), {"text": "已办理", "evidence": evidence})
    _as(client, world, "coordinator")
    client.post(step("close"), {"note": "同意办结"})
    row.refresh_from_db()
    assert row.state == RecipientState.CLOSED
    page = client.get(response.url).content.decode()
    assert "evidence.png" in page and "已办结" in page


def test_issue_without_deadline_or_recipient_shows_both_messages(client, world):
    _as(client, world, "coordinator")
    url = reverse("supervision:notice_issue", args=["task", world.a1.pk])
    response = client.post(url, {"level": "general", "subject": "督办", "reason": "理由"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写办理时限。" in body and "请至少选择一个承办单位。" in body
    assert not SupervisionNotice.objects.exists()


def test_a_second_acknowledge_from_the_page_says_so(client, world):
    row = recipient(issue(world), world.hainan_commerce)
    _as(client, world, "liaison")
    url = reverse("supervision:recipient_step", args=[row.pk, "acknowledge"])
    client.post(url)
    page = client.post(url, follow=True).content.decode()
    assert "不能重复签收" in page


@pytest.mark.parametrize(
    ("who", "issue_page", "notice_page", "ledger", "inbox_lists"),
    [
        ("coordinator", 200, 200, 200, False),
        ("liaison", 403, 200, 403, True),
        ("other_coordinator", 404, 404, 404, False),
    ],
)
def test_three_users(client, world, who, issue_page, notice_page, ledger, inbox_lists):
    notice = issue(world)
    _as(client, world, who)
    assert (
        client.get(reverse("supervision:notice_issue", args=["task", world.a1.pk])).status_code
        == issue_page
    )
    assert (
        client.get(reverse("supervision:notice_detail", args=[notice.pk])).status_code
        == notice_page
    )
    pdf = client.get(reverse("supervision:notice_print", args=[notice.pk, "docx"]))
    assert pdf.status_code == notice_page
    ledger_url = reverse("supervision:plan_ledger", args=[world.plan_a.pk])
    assert client.get(ledger_url).status_code == ledger
    inbox = client.get(reverse("supervision:inbox")).content.decode()
    assert (str(notice.number_label) in inbox) is inbox_lists


@pytest.mark.parametrize(
    ("who", "status"), [("coordinator", 302), ("liaison", 403), ("other_coordinator", 404)]
)
def test_step_forms_refuse_who_may_not(client, world, who, status):
    row = recipient(issue(world), world.hainan_commerce)
    _as(client, world, who)
    response = client.post(reverse("supervision:recipient_step", args=[row.pk, "urge"]))
    assert response.status_code == status
    row.refresh_from_db()
    assert row.urge_count == (1 if who == "coordinator" else 0)


@pytest.mark.parametrize(
    ("who", "status"), [("coordinator", 200), ("liaison", 200), ("other_coordinator", 404)]
)
def test_evidence_download(client, world, who, status):
    from supervision import services

    row = recipient(issue(world), world.hainan_commerce)
    liaison = world.users["liaison"]
    services.notice_acknowledge(actor=liaison, recipient=row)
    services.notice_respond(
        actor=liaison, recipient=row, text="见附件", upload=SimpleUploadedFile("a.png", PNG)
    )
    step = row.steps.get(kind="responded")
    _as(client, world, who)
    response = client.get(reverse("supervision:evidence_download", args=[step.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PNG


def test_ledger_filters_and_downloads_xlsx(client, world):
    first = issue(world)
    issue(world, target=world.a2, agencies=[world.hainan_office])
    from supervision import services

    services.notice_acknowledge(
        actor=world.users["liaison"], recipient=recipient(first, world.hainan_commerce)
    )
    _as(client, world, "coordinator")
    url = reverse("supervision:plan_ledger", args=[world.plan_a.pk])
    page = client.get(url, {"state": "acknowledged"}).content.decode()
    assert "海南省商务厅" in page and "〔" in page
    assert page.count("supervision/" + str(first.pk)) >= 1
    response = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 3
    assert {r[4] for r in rows[1:]} == {"海南省商务厅", "海南省知识产权局"}
    filtered = client.get(url, {"format": "xlsx", "state": "acknowledged"})
    assert len(list(load_workbook(io.BytesIO(filtered.content)).active.iter_rows())) == 2


def test_panel_on_a_task_lists_notices_and_links_issue_for_coordinators(rf, world):
    from django.template import Context, Template

    notice = issue(world)
    template = Template("{% load supervision %}{% supervision_panel task %}")
    for who, can_issue in (("coordinator", True), ("liaison", False)):
        request = rf.get("/")
        request.user = world.users[who]
        html = template.render(Context({"request": request, "task": world.a1}))
        assert str(notice.number_label) in html
        assert ("发督办单" in html) is can_issue


@pytest.mark.parametrize(
    "who", ["coordinator", "liaison", "local_viewer", "other_coordinator", "nipa_viewer"]
)
def test_the_task_panel_shows_a_user_the_notices_the_rule_lets_them_see(rf, world, who):
    """The task page's panel reads its notices by SQL compiled for each shape of the rule:
    what it shows is what `SupervisionNotice.objects.visible_to` lets the user see."""
    from django.template import Context, Template

    notice = issue(world)
    user = world.users[who]
    request = rf.get("/")
    request.user = user
    html = Template("{% load supervision %}{% supervision_panel task %}").render(
        Context({"request": request, "task": world.a1})
    )
    visible = SupervisionNotice.objects.visible_to(user).filter(pk=notice.pk).exists()
    assert (str(notice.number_label) in html) is visible
    assert visible is (who != "other_coordinator")
