"""One definition of "handed in" (已报: submitted or accepted), counted the same everywhere.

A returned report (退回待改) is owed again: counted apart, chased, shown to its liaison with
the reason. 按时 is "first submitted by the due date and later accepted". On one data set the
overview, the plan dashboard's 通报, the pack's XLSX ledger and content, and the API agree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from agencies.models import Agency, Role
from dashboards.rollups import plan_rollup_rows, rollup_build
from meetings.packs import labels
from meetings.packs.content import pack_content_gather
from meetings.packs.docx import render_docx
from meetings.packs.ledger import ledger_summary
from meetings.packs.pdf import pdf_context
from meetings.packs.xlsx import render_xlsx
from plans.models import Plan
from reports.models import ProgressReport, ReportingPeriod, ReportState
from reports.selectors import expected_reports, outstanding_reports, task_report_rows
from reports.services import report_accept, report_return, report_save_draft, report_submit
from tasks.models import ResponsibilityRole, Task
from tasks.selectors import my_tasks
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    PeriodFactory,
    PlanFactory,
    RegionFactory,
    ResponsibilityFactory,
    SectionFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIX = ["应报", "已报", "按时", "逾期报送", "退回待改", "缺报"]
REASON = "请补充量化数据和佐证材料。"


@dataclass
class Ledger:
    plan: Plan
    tasks: list[Task]
    commerce: Agency
    science: Agency
    closed: ReportingPeriod  # due ten days ago: its unreported reports are 缺报
    current: ReportingPeriod  # due today
    coordinator: object
    liaisons: dict[int, object] = field(default_factory=dict)
    # What every table must say: all opened periods, the current one, and per agency.
    totals: dict[str, int] = field(default_factory=dict)
    period: dict[str, int] = field(default_factory=dict)
    by_agency: dict[str, dict[str, int]] = field(default_factory=dict)


def _write(d: Ledger, task: Task, agency: Agency, period: ReportingPeriod) -> ProgressReport:
    return report_save_draft(
        actor=d.liaisons[agency.pk],
        task=task,
        agency=agency,
        period=period,
        values={"progress": f"{agency.name}{period.label}进展"},
    )


def _submit(d: Ledger, report: ProgressReport, *, at: dt.datetime | None = None):
    report.refresh_from_db()
    return report_submit(
        actor=d.liaisons[report.agency_id], report=report, expected_version=report.version, now=at
    )


@pytest.fixture
def ledger(db) -> Ledger:
    """Three tasks, each owed by 商务厅 (lead) and 科技厅 (co), over two opened periods:

    closed period   task 1: 商务厅 on time, accepted (按时); 科技厅 late, accepted (逾期报送)
                    task 2: 商务厅 on time, awaiting review (已报); 科技厅 returned (退回待改)
                    task 3: 商务厅 nothing (缺报); 科技厅 a draft (缺报)
    current period  task 1: 商务厅 first submitted in time, returned, submitted again after the
                            due date, accepted: 按时 by the rule (its is_late says otherwise)
                    task 2: 商务厅 returned (退回待改); 科技厅 a draft (not due yet: nothing)
    """
    today = timezone.localdate()
    region = RegionFactory(name="测试省甲")
    office = AgencyFactory(name="测试省甲知识产权局", region=region)
    plan = PlanFactory(region=region, lead_agency=office, title="测试省甲强省建设实施方案")
    section = SectionFactory(plan=plan)
    commerce = AgencyFactory(name="测试省甲商务厅", region=region)
    science = AgencyFactory(name="测试省甲科学技术厅", region=region)
    tasks = []
    for number in (1, 2, 3):
        task = TaskFactory(plan=plan, number=number, section=section)
        ResponsibilityFactory(task=task, agency=commerce, role=ResponsibilityRole.LEAD, order=0)
        ResponsibilityFactory(task=task, agency=science, role=ResponsibilityRole.CO, order=1)
        tasks.append(task)
    closed = PeriodFactory(
        plan=plan, label="上一期", starts_on=today - dt.timedelta(days=200),
        ends_on=today - dt.timedelta(days=40), opens_on=today - dt.timedelta(days=50),
        due_on=today - dt.timedelta(days=10),
    )  # fmt: skip
    current = PeriodFactory(
        plan=plan, label="本期", starts_on=today - dt.timedelta(days=39),
        ends_on=today - dt.timedelta(days=1), opens_on=today - dt.timedelta(days=5),
        due_on=today,
    )  # fmt: skip
    coordinator = UserFactory(username="handed_coordinator")
    MembershipFactory(user=coordinator, agency=office, role=Role.COORDINATOR)
    d = Ledger(plan, tasks, commerce, science, closed, current, coordinator)
    for agency in (commerce, science):
        user = UserFactory(username=f"handed_liaison_{agency.pk}")
        MembershipFactory(user=user, agency=agency, role=Role.LIAISON)
        d.liaisons[agency.pk] = user
    t1, t2, t3 = tasks
    in_time = timezone.now() - dt.timedelta(days=12)  # before the closed period's due date

    report = _submit(d, _write(d, t1, commerce, closed), at=in_time)
    report_accept(actor=coordinator, report=report)
    report = _submit(d, _write(d, t1, science, closed))  # today: ten days late
    assert report.is_late
    report_accept(actor=coordinator, report=report)
    _submit(d, _write(d, t2, commerce, closed), at=in_time)
    report = _submit(d, _write(d, t2, science, closed), at=in_time)
    report_return(actor=coordinator, report=report, reason=REASON)
    _write(d, t3, science, closed)

    report = _submit(d, _write(d, t1, commerce, current))  # today, the due date
    report = report_return(actor=coordinator, report=report, reason=REASON)
    report = _submit(d, report, at=timezone.now() + dt.timedelta(days=1))
    assert report.is_late  # the latest submission was late; the first was not
    report_accept(actor=coordinator, report=report)
    report = _submit(d, _write(d, t2, commerce, current))
    report_return(actor=coordinator, report=report, reason=REASON)
    _write(d, t2, science, current)

    d.totals = dict(zip(SIX, [12, 4, 2, 1, 2, 2], strict=True))
    d.period = dict(zip(SIX, [6, 1, 1, 0, 1, 0], strict=True))
    d.by_agency = {
        commerce.name: dict(zip(SIX, [6, 3, 2, 0, 1, 1], strict=True)),
        science.name: dict(zip(SIX, [6, 1, 0, 1, 1, 1], strict=True)),
    }
    return d


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    headers, *rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    return [dict(zip(headers, row, strict=True)) for row in rows]


def _ints(row: dict, names: list[str]) -> dict[str, int]:
    return {name: int(row[name]) for name in names}


def _ledger_counts(rows: list[tuple], agency: str | None = None, period: str | None = None):
    """The six figures read off the XLSX ledger's 报送状态 column."""
    mine = [r for r in rows if (agency in (None, r[2])) and (period in (None, r[3]))]
    states = [r[5] for r in mine]
    return {
        "应报": len(states),
        "已报": sum(s.startswith(("已提交", "已采纳")) for s in states),
        "按时": states.count("已采纳"),
        "逾期报送": sum(s.endswith("(逾期)") for s in states),
        "退回待改": states.count("退回待改"),
        "缺报": states.count("缺报"),
    }


def _figures(reports: dict) -> dict[str, int]:
    keys = ["expected", "submitted", "on_time", "late", "returned", "missing"]
    return dict(zip(SIX, [reports[k] for k in keys], strict=True))


def test_overview_league_ledger_pack_and_api_show_the_same_numbers(ledger: Ledger) -> None:
    d, today = ledger, timezone.localdate()
    rollup_build(as_of=today)
    client = _client(d.coordinator)

    # 全国总览: the current period.
    (overview,) = [
        r for r in _csv(client.get("/dashboards/?format=csv")) if r["方案"] == d.plan.title
    ]
    assert overview["当前报送周期"] == "本期"
    assert _ints(overview, ["本期应报", *SIX[1:]]) == {
        "本期应报": 6,
        **{k: d.period[k] for k in SIX[1:]},
    }

    # The plan dashboard: 通报 by agency, and the section (every task is in it).
    league = _csv(client.get(f"/dashboards/plans/{d.plan.pk}/?table=agencies&format=csv"))
    assert {r["单位"]: _ints(r, SIX) for r in league} == d.by_agency
    (section,) = _csv(client.get(f"/dashboards/plans/{d.plan.pk}/?table=sections&format=csv"))
    assert _ints(section, SIX) == d.totals
    page = client.get(f"/dashboards/plans/{d.plan.pk}/").content.decode()
    assert '<th scope="col">退回待改</th>' in page

    # The meeting pack, from the same rollup rows a meeting would freeze.
    data = pack_content_gather(
        plan=d.plan, as_of=today, rows=plan_rollup_rows(plan=d.plan, as_of=today)
    )
    assert _figures(data["overall"]["reports"]) == d.totals
    assert _figures(data["overall"]["period_reports"]) == d.period
    summary = ledger_summary(data["ledger"])
    for agency, expected in d.by_agency.items():
        mine = [r for r in summary if r["agency"] == agency]
        names = ["owed", "submitted", "on_time", "late", "returned", "missing"]
        counted = {name: sum(r[name] for r in mine) for name in names}
        assert _figures({**counted, "expected": counted["owed"]}) == expected

    sheet = load_workbook(io.BytesIO(render_xlsx(data))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[5] == "报送状态"
    assert _ledger_counts(rows) == d.totals
    assert _ledger_counts(rows, period="本期") == d.period
    for agency, expected in d.by_agency.items():
        assert _ledger_counts(rows, agency=agency) == expected

    sentence = labels.reports_sentence(data["overall"]["reports"])
    assert sentence == "应报进展报告12份,已报4份,其中按时2份、逾期1份;退回待改2份;缺报2份。"
    docx_text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(data))).paragraphs)
    assert sentence in docx_text
    assert pdf_context(data)["reports_sentence"] == sentence

    # The API: the plan's row and the agencies' rows.
    api = client.get(f"/api/v1/rollups/?plan={d.plan.pk}&as_of={today.isoformat()}").json()
    results = api["results"] if isinstance(api, dict) else api
    fields = ["reports_expected", "reports_submitted", "reports_on_time", "reports_late",
              "reports_returned", "reports_missing"]  # fmt: skip
    (plan_row,) = [r for r in results if r["scope"] == "plan"]
    assert dict(zip(SIX, [plan_row[f] for f in fields], strict=True)) == d.totals
    assert dict(zip(SIX, [plan_row[f.replace("reports_", "period_")] for f in fields],
                    strict=True)) == d.period  # fmt: skip
    by_agency = {r["agency"]: dict(zip(SIX, [r[f] for f in fields], strict=True))
                 for r in results if r["scope"] == "agency"}  # fmt: skip
    assert by_agency == {d.commerce.pk: d.by_agency[d.commerce.name],
                         d.science.pk: d.by_agency[d.science.name]}  # fmt: skip


def test_the_on_time_rule_reads_the_first_submission(ledger: Ledger) -> None:
    """A report first submitted in time, sent back and submitted again late, then accepted, is
    按时; one first submitted late is 逾期报送 whether accepted or awaiting review; one still
    awaiting review is neither."""
    d = ledger
    t1, t2, _t3 = d.tasks
    rows = {
        (r.task_id, r.agency_id, r.period_id): r
        for r in ProgressReport.objects.filter(task__plan=d.plan).with_timeliness()
    }
    resubmitted = rows[(t1.pk, d.commerce.pk, d.current.pk)]
    assert resubmitted.is_late and resubmitted.on_time and not resubmitted.handed_in_late
    late = rows[(t1.pk, d.science.pk, d.closed.pk)]
    assert late.handed_in_late and not late.on_time
    waiting = rows[(t2.pk, d.commerce.pk, d.closed.pk)]
    assert waiting.handed_in and not waiting.on_time and not waiting.handed_in_late
    returned = rows[(t2.pk, d.science.pk, d.closed.pk)]
    assert not returned.handed_in and not returned.on_time and not returned.handed_in_late


def test_a_returned_report_is_owed_again_and_not_missing(ledger: Ledger) -> None:
    d = ledger
    t1, t2, t3 = d.tasks
    owed = set(outstanding_reports(period_ids=[d.closed.pk, d.current.pk]))
    assert (d.closed.pk, t2.pk, d.science.pk) in owed  # returned: chased again
    assert (d.current.pk, t2.pk, d.commerce.pk) in owed
    assert (d.closed.pk, t3.pk, d.commerce.pk) in owed  # nothing at all
    assert (d.closed.pk, t2.pk, d.commerce.pk) not in owed  # handed in, awaiting review
    assert (d.current.pk, t1.pk, d.commerce.pk) not in owed  # accepted
    expected = {(r.task.pk, r.agency.pk): r for r in expected_reports(plan=d.plan, period=d.closed)}
    after_due = d.closed.due_on + dt.timedelta(days=1)
    returned = expected[(t2.pk, d.science.pk)]
    assert returned.is_returned and not returned.is_missing(today=after_due)
    assert expected[(t3.pk, d.science.pk)].is_missing(today=after_due)  # a draft


def test_the_task_page_shows_returned_with_its_reason(ledger: Ledger) -> None:
    d = ledger
    t2 = d.tasks[1]
    rows = task_report_rows(user=d.liaisons[d.science.pk], task=t2, all_periods=True).rows
    row = next(r for r in rows if r.agency == d.science and r.period == d.closed)
    assert row.returned and not row.missing and not row.late
    page = _client(d.liaisons[d.science.pk]).get(f"/tasks/{t2.pk}/").content.decode()
    assert "退回待改" in page and REASON in page
    t1 = d.tasks[0]
    rows = task_report_rows(user=d.coordinator, task=t1, all_periods=True).rows
    late = {(r.agency.pk, r.period.pk): r.late for r in rows}
    # Late by the rule: the science department's first submission; not the resubmission.
    assert late == {
        (d.commerce.pk, d.closed.pk): False,
        (d.science.pk, d.closed.pk): True,
        (d.commerce.pk, d.current.pk): False,
        (d.science.pk, d.current.pk): False,
    }


def test_my_tasks_shows_the_liaison_what_was_sent_back_and_why(ledger: Ledger) -> None:
    d = ledger
    liaison = d.liaisons[d.science.pk]
    (group,) = my_tasks(user=liaison)
    by_number = {row.task.number: row for row in group.rows}
    returned = by_number[2].returned
    assert returned is not None and returned.period == "上一期" and returned.reason == REASON
    assert by_number[1].returned is None and by_number[3].returned is None
    page = _client(liaison).get("/tasks/").content.decode()
    assert page.count("退回待改") == 1 and REASON in page
    # The other agency's returned report is not this liaison's to chase.
    other = {
        row.task.number: row.returned for row in my_tasks(user=d.liaisons[d.commerce.pk])[0].rows
    }
    assert other[2] is not None and other[2].period == "本期"
    assert other[1] is None


def test_a_pack_frozen_before_returned_was_counted_apart_still_renders() -> None:
    """Pack data stored with a meeting keeps its old shape: no `returned`, no `on_time`."""
    old = {"expected": 4, "submitted": 2, "on_time": 1, "late": 1, "missing": 1}
    assert "退回待改0份" in labels.reports_sentence(old)
    rows = [
        {"number": 1, "task": "1.任务", "agency": "某厅", "period": "一期", "state": "returned",
         "late": True, "missing": False},
        {"number": 1, "task": "1.任务", "agency": "某厅", "period": "二期", "state": "accepted",
         "late": False, "missing": False},
    ]  # fmt: skip
    (entry,) = ledger_summary(rows)
    assert (entry["submitted"], entry["on_time"], entry["late"], entry["returned"]) == (1, 1, 0, 1)
    assert labels.report_state_label(rows[0]) == "退回待改"
    assert ReportState.RETURNED.value == rows[0]["state"]
