from __future__ import annotations

import datetime as dt

import pytest

from reports.selectors import expected_reports, task_report_rows
from tests.factories import ResponsibilityFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_expected_reports_cover_every_local_agency_of_every_task(world):
    period = world.report_a1_commerce.period
    rows = expected_reports(plan=world.plan_a, period=period)
    pairs = {(r.task.number, r.agency.name) for r in rows}
    # The NIPA department owes nothing unless the plan asks NIPA to report.
    assert pairs == {(1, "海南省知识产权局"), (1, "海南省商务厅"), (2, "海南省知识产权局")}
    assert all(r.report is not None for r in rows)
    world.plan_a.nipa_reports_required = True
    world.plan_a.save()
    rows = expected_reports(plan=world.plan_a, period=period)
    assert (1, world.nipa_dept.name) in {(r.task.number, r.agency.name) for r in rows}


def test_a_draft_past_the_due_date_counts_as_missing(world):
    period = world.report_a1_commerce.period
    row = next(r for r in expected_reports(plan=world.plan_a, period=period))
    assert row.report.state == "draft"
    assert row.is_missing(today=period.due_on + dt.timedelta(days=1))
    assert not row.is_missing(today=period.due_on)


def test_expected_reports_take_two_queries_however_many_tasks(world, django_assert_num_queries):
    period = world.report_a1_commerce.period
    for n in range(10, 30):
        ResponsibilityFactory(task=TaskFactory(plan=world.plan_a, number=n),
                              agency=world.hainan_commerce)  # fmt: skip
    with django_assert_num_queries(2):
        rows = expected_reports(plan=world.plan_a, period=period)
    assert len(rows) == 23


def test_task_report_rows_say_who_may_write_and_review(world):
    liaison = world.users["liaison"]
    rows = task_report_rows(user=liaison, task=world.a1).rows
    mine = {r.agency.name: r.can_write for r in rows}
    assert mine == {"海南省知识产权局": False, "海南省商务厅": True}
    assert not any(r.can_review for r in rows)
    rows = task_report_rows(user=world.users["coordinator"], task=world.a1).rows
    assert all(r.can_review for r in rows if r.report)


def test_the_task_page_lists_the_recent_periods_and_the_rest_on_request(world, client):
    """Five years of quarters: the latest four opened and the next one, the rest one click
    away, with the number of periods left out."""
    import datetime as dt

    from django.utils import timezone

    from tests.factories import PeriodFactory

    today = timezone.localdate()
    labels = []
    for n in range(12):  # quarters: nine opened, three to come
        opens = today + dt.timedelta(days=90 * (n - 8))
        labels.append(f"测试周期{n:02d}")
        PeriodFactory(
            plan=world.plan_a, label=labels[-1], starts_on=opens - dt.timedelta(days=80),
            ends_on=opens, opens_on=opens, due_on=opens + dt.timedelta(days=15),
        )  # fmt: skip
    client.force_login(world.users["liaison"])
    page = client.get(f"/tasks/{world.a1.pk}/").content.decode()
    shown = [label for label in labels if label in page]
    assert shown == labels[5:10]  # four opened (the ninth is today's) and the next one
    assert "显示其余 8 个报送周期" in page  # six older (the world's own among them), two later
    everything = client.get(f"/tasks/{world.a1.pk}/?periods=all").content.decode()
    assert all(label in everything for label in labels) and "只看最近的报送周期" in everything
