"""generate_scale_data: the shapes of national data, the same for the same seed."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from devdata.scale import Scale, scale_data_generate
from plans.models import Plan
from reports.models import ProgressReport
from tasks.models import Event, Responsibility, Task

SMALL = Scale(provinces=2, cities=3, users=40)


class Rollback(Exception):
    pass


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for row in Task.objects.order_by("plan__code", "number").values_list(
        "plan__code", "number", "title", "status"
    ):
        digest.update(repr(row).encode())
    for row in ProgressReport.objects.order_by(
        "task__plan__code", "task__number", "agency__name", "period__starts_on"
    ).values_list(
        "task__plan__code", "task__number", "agency__name", "period__label", "state", "progress"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _generate(seed: int) -> tuple[str, object]:
    try:
        with transaction.atomic():
            counts = scale_data_generate(seed=seed, scale=SMALL)
            printed = _fingerprint()
            raise Rollback
    except Rollback:
        return printed, counts


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(db) -> None:
    first, counts = _generate(7)
    again, _ = _generate(7)
    other, _ = _generate(8)
    assert first == again != other
    assert counts.plans == 5 and 18 * 5 <= counts.tasks <= 26 * 5
    assert counts.reports > counts.tasks * 7 * 15  # ~7 local agencies × ~18 opened periods


def test_the_shapes_match_national_data(db) -> None:
    counts = scale_data_generate(seed=1, scale=SMALL)
    plans = Plan.objects.filter(code__startswith="scale-")
    assert plans.count() == 5 and plans.filter(kind="joint").count() == 2
    per_task = Responsibility.objects.filter(task__plan__in=plans).count() / counts.tasks
    assert 7 <= per_task <= 8  # seven local agencies and one NIPA department
    assert Event.objects.filter(plan__in=plans).count() == counts.events > 0
    lengths = [len(p) for p in ProgressReport.objects.values_list("progress", flat=True)[:200]]
    assert min(lengths) >= 150 and max(lengths) <= 450  # realistic report text


def test_the_command_prints_its_counts_and_refuses_to_run_twice(db) -> None:
    out = StringIO()
    call_command(
        "generate_scale_data", "--provinces", "1", "--cities", "1", "--users", "10", stdout=out
    )
    assert "plans=2" in out.getvalue() and "reports=" in out.getvalue()
    with pytest.raises(CommandError, match="已存在"):
        call_command("generate_scale_data", "--provinces", "1", "--cities", "1", stdout=StringIO())
