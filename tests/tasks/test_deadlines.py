"""完成时限 and lead agencies of a whole plan in one grid: typed, pasted from Excel, saved
all or nothing with a conflict that names who changed a row meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from agencies.models import Role
from tasks.forms import DeadlineGridForm
from tasks.models import Event, EventKind, ResponsibilityRole, Status, Task
from tasks.services import task_set_status
from tasks.services.deadlines import (
    DeadlineRow,
    GridConflict,
    date_parse,
    dates_paste_parse,
    deadline_grid_save,
    deadline_grid_tasks,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(plan) -> str:
    return f"/tasks/plan/{plan.pk}/deadlines/"


def _grid(plan, **changes) -> dict[str, str]:
    """The grid's form data as the page renders it, with `changes` on top."""
    form = DeadlineGridForm(tasks=list(deadline_grid_tasks(plan=plan)))
    data = {name: str(field.initial or "") for name, field in form.fields.items()}
    return {**data, **changes}


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2025-06-30", "2025/6/30", "2025年6月30日", " 2025-6-30 ", "2025.06.30"]
)
def test_a_date_is_read_in_the_forms_offices_write(text):
    assert date_parse(text) == D(2025, 6, 30)


def test_a_pasted_column_names_each_bad_line_and_keeps_blank_lines():
    assert dates_paste_parse(text="2025/6/30\n\n2026年1月5日\n", count=3) == [
        D(2025, 6, 30),
        None,
        D(2026, 1, 5),
    ]
    with pytest.raises(ValidationError) as exc:
        dates_paste_parse(text="2025/6/30\n下半年\n2025-13-01", count=3)
    messages = exc.value.message_dict["paste"]
    assert any("第 2 行“下半年”" in m for m in messages)
    assert any("第 3 行" in m for m in messages)
    with pytest.raises(ValidationError, match="只有 2 项任务"):
        dates_paste_parse(text="2025-01-01\n2025-01-02\n2025-01-03", count=2)


# --- the service ------------------------------------------------------------------------


def test_the_coordinator_sets_deadlines_and_the_lead_each_change_an_event(world):
    coordinator = world.users["coordinator"]
    a1, a2 = world.a1, world.a2
    rows = [
        DeadlineRow(
            task_id=a1.pk,
            expected_version=a1.version,
            due_on=D(2025, 12, 31),
            lead_id=world.hainan_commerce.pk,
        ),
        DeadlineRow(task_id=a2.pk, expected_version=a2.version, due_on=None, lead_id=None),
    ]
    assert deadline_grid_save(actor=coordinator, plan=world.plan_a, rows=rows) == 1
    a1.refresh_from_db()
    assert a1.due_on == D(2025, 12, 31) and a1.version == 2
    roles = dict(a1.responsibilities.values_list("agency__name", "role"))
    assert roles["海南省商务厅"] == ResponsibilityRole.LEAD
    assert roles["海南省知识产权局"] == ResponsibilityRole.CO
    assert roles["国家知识产权局运用促进司"] == ResponsibilityRole.CO  # the other side untouched
    kinds = list(Event.objects.filter(task=a1).values_list("kind", "to_value", "actor"))
    assert (EventKind.DEADLINE_CHANGED, "2025-12-31", coordinator.pk) in kinds
    assert (EventKind.RESPONSIBILITY_CHANGED, "海南省商务厅", coordinator.pk) in kinds
    assert not Event.objects.filter(task=a2).exists()  # unchanged: nothing written


def test_a_row_changed_meanwhile_refuses_the_whole_save_and_says_who(world):
    coordinator = world.users["coordinator"]
    colleague = UserFactory(username="zhang", first_name="张三")
    MembershipFactory(user=colleague, agency=world.hainan_office, role=Role.COORDINATOR)
    a1, a2 = world.a1, world.a2
    task_set_status(
        actor=colleague,
        task=Task.objects.get(pk=a2.pk),
        status=Status.ON_TRACK,
        reason="调度",
        expected_version=a2.version,
    )
    rows = [
        DeadlineRow(task_id=a1.pk, expected_version=1, due_on=D(2025, 6, 30), lead_id=None),
        DeadlineRow(task_id=a2.pk, expected_version=1, due_on=D(2025, 9, 30), lead_id=None),
    ]
    with pytest.raises(GridConflict) as exc:
        deadline_grid_save(actor=coordinator, plan=world.plan_a, rows=rows)
    [message] = exc.value.messages
    assert "张三" in message and "正常推进" in message and a2.label in message
    assert Task.objects.get(pk=a1.pk).due_on is None  # all or nothing


def test_a_lead_outside_the_tasks_agencies_is_refused_and_nothing_is_written(world):
    rows = [
        DeadlineRow(task_id=world.a1.pk, expected_version=1, due_on=D(2025, 6, 30), lead_id=None),
        DeadlineRow(
            task_id=world.a2.pk, expected_version=1, due_on=None, lead_id=world.hainan_commerce.pk
        ),
    ]
    with pytest.raises(ValidationError, match="牵头单位须为该任务的责任单位之一"):
        deadline_grid_save(actor=world.users["coordinator"], plan=world.plan_a, rows=rows)
    assert Task.objects.get(pk=world.a1.pk).due_on is None


def test_only_the_plans_coordinator_saves_the_grid(world):
    row = DeadlineRow(task_id=world.b1.pk, expected_version=1, due_on=D(2025, 6, 30), lead_id=None)
    with pytest.raises(PermissionDenied):
        deadline_grid_save(actor=world.users["liaison"], plan=world.plan_a, rows=[])
    with pytest.raises(ValidationError, match="不属于本方案"):
        deadline_grid_save(actor=world.users["coordinator"], plan=world.plan_a, rows=[row])


# --- the page ---------------------------------------------------------------------------


def test_the_page_is_the_coordinators_own(world):
    other_admin = UserFactory(username="hunan_admin")
    MembershipFactory(user=other_admin, agency=world.hunan_office, role=Role.ADMIN)
    assert _client(world.users["coordinator"]).get(_url(world.plan_a)).status_code == 200
    assert _client(world.users["liaison"]).get(_url(world.plan_a)).status_code == 403
    assert _client(world.users["admin"]).get(_url(world.plan_a)).status_code == 403
    assert _client(other_admin).get(_url(world.plan_a)).status_code == 404
    assert (
        _client(world.users["liaison"])
        .post(_url(world.plan_a), _grid(world.plan_a, paste="2025-06-30"))
        .status_code
        == 403
    )
    assert Task.objects.get(pk=world.a1.pk).due_on is None


def test_a_column_pasted_from_excel_sets_the_dates_in_task_order(world):
    client = _client(world.users["coordinator"])
    data = _grid(world.plan_a, paste="2025/6/30\r\n2025年12月31日\r\n")
    response = client.post(_url(world.plan_a), data, follow=True)
    assert "已保存 2 项任务的修改" in response.content.decode()
    due = dict(Task.objects.filter(plan=world.plan_a).values_list("number", "due_on"))
    assert due == {1: D(2025, 6, 30), 2: D(2025, 12, 31)}


def test_a_row_typed_in_and_a_lead_picked_are_saved(world):
    client = _client(world.users["coordinator"])
    data = _grid(
        world.plan_a,
        **{
            f"due_{world.a2.pk}": "2026-03-31",
            f"lead_{world.a1.pk}": str(world.hainan_commerce.pk),
        },
    )
    assert client.post(_url(world.plan_a), data).status_code == 302
    assert Task.objects.get(pk=world.a2.pk).due_on == D(2026, 3, 31)
    assert world.a1.responsibilities.get(role=ResponsibilityRole.LEAD).agency == (
        world.hainan_commerce
    )


def test_a_bad_date_names_its_row_and_writes_nothing(world):
    client = _client(world.users["coordinator"])
    data = _grid(world.plan_a, **{f"due_{world.a1.pk}": "2025-06-30", f"due_{world.a2.pk}": "明年"})
    response = client.post(_url(world.plan_a), data)
    assert response.status_code == 400
    assert f"任务 {world.a2.label}：“明年”不是有效日期" in response.content.decode()
    assert not Task.objects.filter(plan=world.plan_a, due_on__isnull=False).exists()


def test_the_page_shows_a_conflict_and_offers_the_current_row(world):
    data = _grid(world.plan_a, **{f"due_{world.a1.pk}": "2025-06-30"})
    colleague = UserFactory(username="li", first_name="李四")
    MembershipFactory(user=colleague, agency=world.hainan_office, role=Role.COORDINATOR)
    deadline_grid_save(
        actor=colleague,
        plan=world.plan_a,
        rows=[
            DeadlineRow(
                task_id=world.a1.pk, expected_version=1, due_on=D(2025, 9, 30), lead_id=None
            )
        ],
    )
    response = _client(world.users["coordinator"]).post(_url(world.plan_a), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "李四" in page and "2025-09-30" in page
    assert Task.objects.get(pk=world.a1.pk).due_on == D(2025, 9, 30)
