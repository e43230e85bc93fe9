"""`load_demo`: the three plans imported, their people, and two years of their history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from devdata.demo.committee import committee_schedule
from devdata.demo.history import (
    TaskCourse,
    comments_schedule,
    indicators_schedule,
    work_items_schedule,
)
from devdata.demo.people import Cast, DemoLogin, People
from devdata.demo.replay import Replay
from devdata.demo.reporting import Reporting, owed_reports, periods_create
from evaluations.demo import demo_evaluations
from plans.importer.parse import parse_plan
from plans.models import Plan
from tasks.services.plan_import import plan_import

SOURCES = Path(settings.BASE_DIR) / "plans" / "sources"
REVIEW_AFTER_DUE = dt.timedelta(days=20)  # statuses are revisited once a period's reports are in


@dataclass(frozen=True)
class DemoPlan:
    source: str  # in plans/sources/
    prefix: str  # of its users' names
    place: object  # where its committee meets


DEMO_PLANS = [
    DemoPlan("hainan-2022.txt", "hainan", _("海口")),
    DemoPlan("hunan-2022.txt", "hunan", _("长沙")),
    DemoPlan("weihai-2021.txt", "weihai", _("威海")),
]


def demo_plans_import() -> list[Plan]:
    """The three official texts, imported as any coordinator would (idempotent by sha256)."""
    plans = []
    for spec in DEMO_PLANS:
        text = (SOURCES / spec.source).read_text(encoding="utf-8")
        plan = plan_import(parsed=parse_plan(text=text), text=text, actor=None).plan
        if not plan.is_demo:
            Plan.objects.filter(pk=plan.pk).update(is_demo=True)
        plans.append(plan)
    return plans


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Everything once: a second run finds the plans, people and history there and prints
    the same logins. A plan that has reporting periods keeps the history it has."""
    if not getattr(settings, "DEMO_ALLOWED", False):
        raise ImproperlyConfigured("Demo data is not allowed here (settings.DEMO_ALLOWED).")
    plans = demo_plans_import()
    people, replay = People(), Replay()
    nipa_logins: list[DemoLogin] = []
    nipa = people.nipa(logins=nipa_logins)
    logins, fresh = [], False
    for shift, (spec, plan) in enumerate(zip(DEMO_PLANS, plans, strict=True)):
        cast = people.cast(plan=plan, prefix=spec.prefix)
        logins += cast.logins
        if not plan.periods.exists():
            history_schedule(replay=replay, cast=cast, place=str(spec.place), shift=shift)
            comments_schedule(replay=replay, cast=cast, nipa=nipa)
            fresh = True
    logins += nipa_logins
    people.operator(logins=logins)
    replay.run(nightly=fresh)
    demo_evaluations(plans=plans)  # this year's self-evaluation, in progress
    return logins


def history_schedule(*, replay: Replay, cast: Cast, place: str, shift: int) -> None:
    """The plan's last two years up to today (an ended plan's last two years)."""
    last = min(replay.today.year, cast.plan.period_end)
    years = [year for year in (last - 1, last) if year >= cast.plan.period_start]
    periods = periods_create(cast=cast, years=years)
    Reporting(replay=replay, cast=cast).schedule(periods=periods, owed=owed_reports(cast))
    reviews = [p.due_on + REVIEW_AFTER_DUE for p in periods if p.due_on < replay.today]
    course = TaskCourse(replay=replay, cast=cast, reviews=reviews or [replay.today], shift=shift)
    course.schedule(start=dt.date(years[0], 1, 8))
    work_items_schedule(replay=replay, cast=cast, years=years)
    indicators_schedule(replay=replay, cast=cast, years=years)
    committee_schedule(replay=replay, cast=cast, years=years, place=place)


def sqlite_fast_writes() -> None:
    """On the embedded SQLite demo, write without waiting for the disk at every page the
    long transaction spills (a crash mid-load leaves a file to delete and load again)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
