"""Scale data for benchmarks: every province and 300 cities with a plan each, ~20 tasks of
~6 agencies, quarterly periods over five years, ~1,000,000 progress reports, 3,000 agencies,
10,000 users and their events. Deterministic for a seed: the same database every time.

Small tables go in with bulk_create; the two big ones (reports, events) with COPY.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency, Level, Membership, Region, Role, Side
from plans.models import Plan, PlanKind, Section, SectionKind
from reports.models import Cadence, ProgressReport, ReportingPeriod, ReportState
from tasks.models import Event, EventKind, Responsibility, ResponsibilityRole, Status, Task

SCALE_PREFIX = "scale-"
YEARS = range(2022, 2027)


@dataclass(frozen=True)
class Scale:
    provinces: int = 31
    cities: int = 300
    tasks_per_plan: int = 22  # ± 4
    local_agencies_per_task: int = 7  # plus one NIPA department
    users: int = 10_000


NATIONAL = Scale()
# Everything dated is relative to this day, not to today: the same seed gives the same rows.
AS_OF = dt.date(2026, 11, 1)

PHRASES = [
    "围绕知识产权强省建设目标",
    "制定年度工作方案并分解任务",
    "召开专题推进会研究部署",
    "完善知识产权保护体系",
    "推进专利转化运用专项行动",
    "加强商标品牌建设指导",
    "建设知识产权公共服务平台",
    "开展知识产权行政执法专项行动",
    "培育高价值发明专利",
    "推动地理标志产品保护",
    "优化营商环境",
    "健全快速协同保护机制",
    "加强人才队伍建设",
    "深化知识产权国际合作",
    "各项工作按计划推进",
    "取得阶段性成效",
]


@dataclass
class ScaleCounts:
    plans: int = 0
    tasks: int = 0
    agencies: int = 0
    users: int = 0
    reports: int = 0
    events: int = 0


def _text(rng: random.Random, low: int, high: int) -> str:
    target = rng.randint(low, high)
    parts: list[str] = []
    length = 0
    while length < target:
        phrase = rng.choice(PHRASES)
        parts.append(phrase)
        length += len(phrase) + 1
    return ",".join(parts) + "。"


def scale_data_exists() -> bool:
    return Plan.objects.filter(code__startswith=SCALE_PREFIX).exists()


def scale_data_generate(*, seed: int = 1, scale: Scale = NATIONAL) -> ScaleCounts:
    rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not security  # nosec B311
    counts = ScaleCounts()
    with transaction.atomic():
        regions, agencies = _regions_and_agencies(rng, scale)
        counts.agencies = sum(len(a) for a in agencies.values())
        users = _users(rng, agencies, scale)
        counts.users = len(users)
        plans = _plans(rng, regions, agencies, scale)
        counts.plans = len(plans)
        tasks, owed = _tasks(rng, plans, agencies, scale)
        counts.tasks = len(tasks)
        periods = _periods(plans)
    # The big tables: streamed with COPY, each in its own transaction.
    counts.reports = _copy_reports(rng, owed, periods, users)
    counts.events = _copy_events(rng, tasks, users)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def _regions_and_agencies(
    rng: random.Random, scale: Scale
) -> tuple[list[Region], dict[int, list[Agency]]]:
    national = Region.objects.filter(parent__isnull=True, level=Level.NATIONAL).first()
    if national is None:
        national = Region.objects.create(name="中华人民共和国", level=Level.NATIONAL)
    provinces = Region.objects.bulk_create(
        [
            Region(name=f"{SCALE_PREFIX}省{i:02d}", level=Level.PROVINCIAL, parent=national)
            for i in range(scale.provinces)
        ]
    )
    cities = Region.objects.bulk_create(
        [
            Region(
                name=f"{SCALE_PREFIX}市{i:03d}",
                level=Level.MUNICIPAL,
                parent=provinces[i % scale.provinces],
            )
            for i in range(scale.cities)
        ]
    )
    regions = provinces + cities
    nipa = Agency.objects.bulk_create(
        [
            Agency(
                name=f"{SCALE_PREFIX}国家知识产权局司{i:02d}",
                level=Level.NATIONAL,
                side=Side.NIPA,
                region=national,
            )
            for i in range(12)
        ]
    )
    by_region: dict[int, list[Agency]] = {0: nipa}
    # ~3,000 agencies: 9 or 10 per region (the IP office first).
    rows = []
    for region in regions:
        names = ["知识产权局", "发展改革委", "科技厅", "工业和信息化厅", "商务厅", "市场监管局",
                 "司法厅", "公安厅", "财政厅"]  # fmt: skip
        if rng.random() < 0.5:
            names.append("农业农村厅")
        level = Level.PROVINCIAL if region.level == Level.PROVINCIAL else Level.MUNICIPAL
        rows += [
            Agency(name=f"{region.name}{n}", level=level, side=Side.LOCAL, region=region)
            for n in names
        ]
    created = Agency.objects.bulk_create(rows, batch_size=2000)
    for agency in created:
        by_region.setdefault(agency.region_id, []).append(agency)
    return regions, by_region


def _users(rng: random.Random, agencies: dict[int, list[Agency]], scale: Scale) -> list[int]:
    password = make_password("scale-data-not-a-login")
    local = [a for region, items in agencies.items() if region != 0 for a in items]
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [
            user_model(
                username=f"{SCALE_PREFIX}user{i:05d}",
                # Every user has an address, as in production: reminders fan out to e-mail too.
                email=f"user{i:05d}@scale.invalid",
                password=password,
                is_active=True,
            )
            for i in range(scale.users)
        ],
        batch_size=5000,
    )
    memberships = []
    for i, user in enumerate(users):
        if i < 12 * 5:  # NIPA departments: five viewers each
            agency, role = agencies[0][i % 12], Role.VIEWER
        else:
            agency = local[i % len(local)]
            role = rng.choice([Role.LIAISON, Role.LIAISON, Role.VIEWER, Role.COORDINATOR])
        memberships.append(Membership(user=user, agency=agency, role=role))
    Membership.objects.bulk_create(memberships, batch_size=5000)
    return [u.pk for u in users]


def _plans(
    rng: random.Random, regions: list[Region], agencies: dict[int, list[Agency]], scale: Scale
) -> list[Plan]:
    plans = []
    for i, region in enumerate(regions):
        text = f"{region.name}知识产权强省建设实施方案(规模测试 {i})"
        plans.append(
            Plan(
                code=f"{SCALE_PREFIX}{i:03d}",
                title=text,
                kind=PlanKind.JOINT if i < scale.provinces else PlanKind.IMPLEMENTATION,
                region=region,
                lead_agency=agencies[region.pk][0],
                period_start=YEARS.start,
                period_end=YEARS.stop - 1,
                source_text=text,
                source_sha256=hashlib.sha256(text.encode()).hexdigest(),
            )
        )
    return Plan.objects.bulk_create(plans, batch_size=1000)


def _tasks(
    rng: random.Random, plans: list[Plan], agencies: dict[int, list[Agency]], scale: Scale
) -> tuple[list[Task], list[tuple[int, int, int]]]:
    sections = Section.objects.bulk_create(
        [
            Section(
                plan=plan,
                label=f"({n})",
                title=f"重点任务第{n}部分",
                kind=SectionKind.TASKS,
                order=k,
            )
            for plan in plans
            for k, n in enumerate("一二三四", start=1)
        ],
        batch_size=5000,
    )
    by_plan: dict[int, list[Section]] = {}
    for section in sections:
        by_plan.setdefault(section.plan_id, []).append(section)
    statuses = [Status.ON_TRACK] * 5 + [
        Status.NOT_STARTED, Status.AT_RISK, Status.BEHIND, Status.COMPLETED, Status.COMPLETED,
        Status.ONGOING,
    ]  # fmt: skip
    tasks = []
    for plan in plans:
        # The first province's plan has 30 tasks: the meeting-pack benchmark's plan.
        count = (
            30
            if plan is plans[0]
            else rng.randint(scale.tasks_per_plan - 4, scale.tasks_per_plan + 4)
        )
        for number in range(1, count + 1):
            tasks.append(
                Task(
                    plan=plan,
                    section=by_plan[plan.pk][(number - 1) * 4 // count],
                    number=number,
                    label=f"{number}.",
                    title=_text(rng, 10, 24).rstrip("。"),
                    body=_text(rng, 80, 200),
                    status=rng.choice(statuses),
                    due_on=dt.date(rng.choice(list(YEARS)), 12, 31),
                )
            )
    tasks = Task.objects.bulk_create(tasks, batch_size=5000)
    plans_by_id = {p.pk: p for p in plans}
    responsibilities, owed = [], []
    for task in tasks:
        region = plans_by_id[task.plan_id].region_id
        pool = agencies[region]
        chosen = [
            pool[0],
            *rng.sample(pool[1:], min(len(pool) - 1, scale.local_agencies_per_task - 1)),
        ]
        for order, agency in enumerate(chosen):
            role = ResponsibilityRole.LEAD if order == 0 else ResponsibilityRole.CO
            responsibilities.append(
                Responsibility(
                    task=task,
                    agency=agency,
                    side=Side.LOCAL,
                    role=role,
                    order=order,
                    written=agency.name,
                )
            )
            owed.append((task.pk, agency.pk, task.plan_id))
        nipa = agencies[0][task.pk % len(agencies[0])]
        responsibilities.append(
            Responsibility(
                task=task,
                agency=nipa,
                side=Side.NIPA,
                role=ResponsibilityRole.CO,
                order=len(chosen),
                written=nipa.name,
            )
        )
    Responsibility.objects.bulk_create(responsibilities, batch_size=10000)
    return tasks, owed


def _periods(plans: list[Plan]) -> dict[int, list[ReportingPeriod]]:
    rows = []
    for plan in plans:
        for year in YEARS:
            for quarter in range(1, 5):
                starts = dt.date(year, 3 * quarter - 2, 1)
                ends = (dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - dt.timedelta(1)
                rows.append(
                    ReportingPeriod(
                        plan=plan,
                        label=f"{year}年第{quarter}季度",
                        cadence=Cadence.QUARTERLY,
                        starts_on=starts,
                        ends_on=ends,
                        opens_on=ends - dt.timedelta(days=14),
                        due_on=ends + dt.timedelta(days=15),
                    )
                )
    created = ReportingPeriod.objects.bulk_create(rows, batch_size=5000)
    by_plan: dict[int, list[ReportingPeriod]] = {}
    for period in created:
        by_plan.setdefault(period.plan_id, []).append(period)
    return by_plan


REPORT_COLUMNS = [
    "task_id", "agency_id", "period_id", "state", "progress", "achievements", "problems",
    "next_steps", "percent", "milestone", "submitted_at", "submitted_by_id", "is_late",
    "reviewed_at", "reviewed_by_id", "return_reason", "is_typical_case", "version",
    "created_at", "updated_at",
]  # fmt: skip


def _report_rows(
    rng: random.Random,
    owed: list[tuple[int, int, int]],
    periods: dict[int, list[ReportingPeriod]],
    users: list[int],
) -> Iterator[tuple]:
    tz = timezone.get_current_timezone()
    for task_id, agency_id, plan_id in owed:
        for period in periods[plan_id]:
            if period.opens_on > AS_OF:
                continue
            roll = rng.random()
            if roll < 0.06:
                continue  # never written: 缺报 once due
            state = (
                ReportState.DRAFT if roll < 0.12
                else ReportState.SUBMITTED if roll < 0.30
                else ReportState.RETURNED if roll < 0.33
                else ReportState.ACCEPTED
            )  # fmt: skip
            late = rng.random() < 0.15
            submitted = None
            if state != ReportState.DRAFT:
                day = period.due_on + dt.timedelta(
                    days=rng.randint(1, 20) if late else -rng.randint(0, 14)
                )
                submitted = dt.datetime.combine(day, dt.time(10), tzinfo=tz)
            made = dt.datetime.combine(period.opens_on, dt.time(9), tzinfo=tz)
            yield (
                task_id, agency_id, period.pk, state, _text(rng, 150, 400), _text(rng, 30, 120),
                _text(rng, 20, 80), _text(rng, 30, 100), rng.randint(0, 100), "",
                submitted, rng.choice(users) if submitted else None, late and submitted is not None,
                submitted if state in (ReportState.ACCEPTED, ReportState.RETURNED) else None,
                None, "请补充量化数据。" if state == ReportState.RETURNED else "",
                state == ReportState.ACCEPTED and rng.random() < 0.01, 1, made, submitted or made,
            )  # fmt: skip


def _copy(table: str, columns: list[str], rows: Iterator[tuple]) -> int:
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _copy_reports(rng, owed, periods, users) -> int:
    return _copy(
        ProgressReport._meta.db_table, REPORT_COLUMNS, _report_rows(rng, owed, periods, users)
    )


EVENT_COLUMNS = ["created_at", "actor_id", "kind", "plan_id", "task_id", "from_value",
                 "to_value", "reason", "data"]  # fmt: skip


def _event_rows(rng: random.Random, tasks: list[Task], users: list[int]) -> Iterator[tuple]:
    tz = timezone.get_current_timezone()
    for task in tasks:
        for n in range(rng.randint(2, 8)):
            day = dt.date(2022, 1, 1) + dt.timedelta(
                days=rng.randint(0, (AS_OF - dt.date(2022, 1, 1)).days)
            )
            yield (
                dt.datetime.combine(day, dt.time(9, n), tzinfo=tz), rng.choice(users),
                EventKind.STATUS_CHANGED if n % 2 == 0 else EventKind.COMMENTED,
                task.plan_id, task.pk, Status.NOT_STARTED if n % 2 == 0 else "",
                task.status if n % 2 == 0 else "", _text(rng, 10, 60), "{}",
            )  # fmt: skip


def _copy_events(rng: random.Random, tasks: list[Task], users: list[int]) -> int:
    return _copy(Event._meta.db_table, EVENT_COLUMNS, _event_rows(rng, tasks, users))
