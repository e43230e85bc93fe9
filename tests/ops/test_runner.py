"""Running a job: logged for the admins, never two at once, `run_job` prints one JSON object;
a run whose worker died is found by its free lease and queued again."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from ops.locks import LOCK_NAMESPACE
from ops.models import JobRun, OutboxMessage, Outcome
from ops.runner import JOBS, MAX_RECOVERIES, WORKER_LOST, job_names, job_run, jobs_recover
from tests.notifications.test_reminders import setup  # noqa: F401 - the reminders fixture

AS_OF = "2025-09-23"


@contextmanager
def lock_held_elsewhere(name: str) -> Iterator[None]:
    """Another process (another beat, a manual run) holding the job's lock."""
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, f"job:{name}"])
        yield


def _run_job(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("run_job", *args, stdout=out)
    return json.loads(out.getvalue())


def test_run_job_prints_the_counts_and_a_second_run_sends_nothing(setup) -> None:  # noqa: F811
    first = _run_job("reminders", "--as-of", AS_OF)
    keys = {"job", "as_of", "items", "recipients", "messages", "sent", "skipped"}
    assert keys <= set(first) and (first["job"], first["as_of"]) == ("reminders", AS_OF)
    assert (first["items"], first["recipients"], first["sent"], first["skipped"]) == (2, 2, 2, 0)
    again = _run_job("reminders", "--as-of", AS_OF)
    assert (again["sent"], again["skipped"], again["messages"]) == (0, 2, 0)
    runs = list(JobRun.objects.order_by("started_at"))
    assert [r.outcome for r in runs] == [Outcome.SUCCEEDED, Outcome.SUCCEEDED]
    assert runs[0].counts["sent"] == 2 and runs[0].finished_at is not None


def test_rollup_by_name(setup) -> None:  # noqa: F811
    assert _run_job("rollup", "--as-of", AS_OF) == {
        "job": "rollup",
        "as_of": AS_OF,
        "plans": 1,
        "rows": 3,  # the plan and two agencies
    }


def test_an_unknown_job_or_a_bad_date_is_refused_clearly(db) -> None:
    with pytest.raises(CommandError):
        call_command("run_job", "everything")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_job", "rollup", "--as-of", "2025/09/23")
    assert not JobRun.objects.exists()


def test_a_run_beside_a_running_one_does_nothing_and_says_so(setup) -> None:  # noqa: F811
    with lock_held_elsewhere("reminders"):
        with pytest.raises(CommandError):
            call_command("run_job", "reminders", "--as-of", AS_OF, stdout=StringIO())
        assert job_run(name="rollup", as_of=dt.date(2025, 9, 23)).outcome == Outcome.SUCCEEDED
    assert JobRun.objects.get(job="reminders").outcome == Outcome.LOCKED
    assert not setup.liaison.notifications.exists()


def test_a_failed_run_is_logged_with_its_error(setup, monkeypatch) -> None:  # noqa: F811
    def broken(*, as_of: dt.date) -> dict[str, int]:
        raise ValueError("bad data in period 7")

    job_names()  # the apps' jobs registered first, so the broken one replaces the real one
    monkeypatch.setitem(JOBS, "rollup", broken)
    with pytest.raises(ValueError):
        job_run(name="rollup", as_of=dt.date(2025, 9, 23))
    run = JobRun.objects.get()
    assert run.outcome == Outcome.FAILED and "bad data in period 7" in run.error


def test_a_run_left_running_by_a_dead_process_is_marked_failed_and_its_date_run_again(
    setup,  # noqa: F811
) -> None:
    dead = JobRun.objects.create(job="rollup", as_of=dt.date(2025, 9, 22))
    job_run(name="rollup", as_of=dt.date(2025, 9, 23))
    dead.refresh_from_db()
    assert dead.outcome == Outcome.FAILED and dead.finished_at is not None
    assert dead.error == WORKER_LOST
    # The lost run was for another date: that date is queued again, once.
    queued = OutboxMessage.objects.get()
    assert (queued.task_name, queued.kwargs) == ("dashboards.rollup", {"as_of": "2025-09-22"})


def test_a_lost_run_of_the_same_date_is_not_queued_again(setup) -> None:  # noqa: F811
    dead = JobRun.objects.create(job="rollup", as_of=dt.date(2025, 9, 23))
    job_run(name="rollup", as_of=dt.date(2025, 9, 23))  # this run does its work
    dead.refresh_from_db()
    assert dead.outcome == Outcome.FAILED and not OutboxMessage.objects.exists()


def test_recovery_leaves_a_run_whose_worker_is_alive(db) -> None:
    live = JobRun.objects.create(job="rollup", as_of=dt.date(2025, 9, 23))
    with lock_held_elsewhere("rollup"):  # its worker holds the job's lease
        assert jobs_recover(as_of=dt.date(2025, 9, 23))["live"] == 1
    live.refresh_from_db()
    assert live.outcome == Outcome.RUNNING and live.finished_at is None
    assert not OutboxMessage.objects.exists()


def test_recovery_queues_a_run_whose_worker_died_once(db) -> None:
    dead = JobRun.objects.create(job="reminders", as_of=dt.date(2025, 9, 22))
    counts = jobs_recover(as_of=dt.date(2025, 9, 23))
    assert counts == {"running": 1, "live": 0, "requeued": 1, "given_up": 0}
    dead.refresh_from_db()
    assert dead.outcome == Outcome.FAILED and dead.error == WORKER_LOST and dead.finished_at
    queued = OutboxMessage.objects.get()
    assert (queued.task_name, queued.kwargs) == (
        "notifications.reminders",
        {"as_of": "2025-09-22"},
    )
    assert jobs_recover(as_of=dt.date(2025, 9, 23))["requeued"] == 0  # once
    assert OutboxMessage.objects.count() == 1


def test_recovery_never_takes_its_own_run_for_a_lost_one(db) -> None:
    # Its own lock is held by its own session, which would find it free (re-entrant).
    result = job_run(name="jobs_recover", as_of=dt.date(2025, 9, 23))
    assert result.outcome == Outcome.SUCCEEDED and result.counts["running"] == 0
    assert JobRun.objects.get().outcome == Outcome.SUCCEEDED
    assert not OutboxMessage.objects.exists()


def test_a_run_whose_worker_keeps_dying_is_given_up_after_a_few_tries(db) -> None:
    day = dt.date(2025, 9, 22)
    for _ in range(MAX_RECOVERIES):
        JobRun.objects.create(job="rollup", as_of=day)
        assert jobs_recover(as_of=day)["requeued"] == 1
    last = JobRun.objects.create(job="rollup", as_of=day)
    assert jobs_recover(as_of=day)["given_up"] == 1
    last.refresh_from_db()
    assert last.outcome == Outcome.FAILED and "not queued again" in last.error
    assert OutboxMessage.objects.count() == MAX_RECOVERIES
