"""Faults, against a real Redis and a real Celery worker: the broker down while users save,
a worker killed in the middle of a rollup, the database dropping a job's connection."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from django.utils import timezone

from dashboards import jobs
from dashboards.models import Rollup
from dashboards.rollups import rollup_build
from notifications.models import Notification
from ops.locks import lease_free
from ops.models import JobRun, OutboxMessage, Outcome
from ops.outbox import outbox_relay
from ops.runner import WORKER_LOST
from reports.services import report_submit
from tests.ops.worker import RedisServer, Worker, start_beat, use_broker, wait_for

# serialized_rollback: migration data (content types, the beat schedules) survives the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
BROKER = "redis://127.0.0.1:6379/13"  # a database of its own, emptied around each test
AS_OF = dt.date(2025, 8, 1)


@pytest.fixture
def broker() -> Iterator[str]:
    redis.Redis.from_url(BROKER).flushdb()
    saved = current_conf()
    use_broker(BROKER)
    yield BROKER
    use_broker(saved[0], eager=saved[1])
    redis.Redis.from_url(BROKER).flushdb()


def current_conf() -> tuple[str, bool]:
    from celery import current_app

    return current_app.conf.broker_url, current_app.conf.task_always_eager


@pytest.fixture
def worker_log(tmp_path: Path) -> Path:
    return tmp_path / "worker.log"


def _admin_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        autocommit=True,
    )


def _blocked_on_rollup() -> int | None:
    """The pid of a backend waiting for our lock on the rollup table, if any. Asked on a
    fresh connection: within a transaction pg_stat_activity would not change."""
    with _admin_connection() as conn:
        row = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND query ILIKE '%dashboards_rollup%'"
        ).fetchone()
    return row[0] if row else None


@contextlib.contextmanager
def _rollup_held() -> Iterator[tuple[psycopg.Connection, int]]:
    """A rollup queued and held mid-way, at its writes, by our lock on its table: yields the
    lock's connection (roll it back to let the job go on) and the job's backend pid."""
    with _admin_connection() as conn:
        conn.autocommit = False
        conn.execute("LOCK TABLE dashboards_rollup IN EXCLUSIVE MODE")
        jobs.rollup.delay(as_of=AS_OF.isoformat())
        yield conn, wait_for(lambda: _blocked_on_rollup(), what="the rollup to reach its writes")


def _snapshot() -> dict[str, tuple]:
    rows = Rollup.objects.filter(batch="nightly", as_of=AS_OF)
    skip = {"computed_at"}
    names = [f.attname for f in Rollup._meta.concrete_fields if f.name not in skip]
    return {f"{r.plan_id}/{r.scope_key}": tuple(getattr(r, n) for n in names) for r in rows}


def test_a_save_while_redis_is_down_succeeds_and_its_job_runs_once_redis_is_back(
    world, worker_log
) -> None:
    server = RedisServer()
    server.start()
    saved = current_conf()
    use_broker(server.url)
    worker = Worker(broker_url=server.url, log=worker_log)
    try:
        server.stop()  # Redis goes down
        report = world.report_a1_commerce
        report_submit(actor=world.users["liaison"], report=report, expected_version=report.version)
        report.refresh_from_db()
        assert report.state == "submitted"  # the user's save stands
        message = OutboxMessage.objects.get()
        assert message.sent_at is None and message.last_error
        assert not Notification.objects.exists()

        server.start()  # Redis is back; the worker and the relay (beat, every minute) run
        worker.start()
        use_broker(server.url)
        assert outbox_relay() == 1
        note = wait_for(
            lambda: Notification.objects.filter(recipient=world.users["coordinator"]).first(),
            what="the coordinator's notification",
        )
        assert "海南省商务厅" in note.title
        assert outbox_relay() == 0
    finally:
        worker.stop()
        server.stop()
        use_broker(saved[0], eager=saved[1])


@pytest.fixture
def rollup_world(world):
    """The world, with its rollup computed once in this process: what a clean run writes."""
    rollup_build(as_of=AS_OF)
    return _snapshot()


def test_a_worker_killed_mid_rollup_runs_it_again_within_two_minutes_and_the_rows_are_identical(
    rollup_world, broker, worker_log, tmp_path
) -> None:
    """The broker would hand the job out again only after an hour (its visibility timeout):
    the run comes back within two minutes because the recovery sweep (beat, every minute)
    finds the dead run's lease free and queues it again."""
    expected = rollup_world
    worker = Worker(broker_url=broker, log=worker_log, visibility_timeout=3600)
    beat = worker.beat(log=tmp_path / "beat.log")
    worker.start()
    try:
        with _rollup_held() as (conn, _pid):
            assert not lease_free("job:rollup")  # the live job holds its lease
            worker.kill()
            # PostgreSQL notices the dead client while its query still waits for our lock,
            # and frees the lease with its session.
            wait_for(lambda: lease_free("job:rollup"), timeout=30, what="the lease to be freed")
            conn.rollback()
        lost = JobRun.objects.get(job="rollup")
        assert lost.outcome == Outcome.RUNNING  # died mid-run, its row says running
        worker.start()
        started = time.monotonic()
        start_beat(beat)
        wait_for(
            lambda: JobRun.objects.filter(job="rollup", outcome=Outcome.SUCCEEDED).exists(),
            timeout=120,
            what="the rollup to run again",
        )
        assert time.monotonic() - started < 120
    finally:
        beat.stop()
        worker.stop()
    assert _snapshot() == expected
    lost.refresh_from_db()
    assert lost.outcome == Outcome.FAILED and lost.error == WORKER_LOST
    outcomes = sorted(JobRun.objects.filter(job="rollup").values_list("outcome", flat=True))
    assert outcomes == [Outcome.FAILED, Outcome.SUCCEEDED]
    # It was the sweep that queued it again, for the same date, once.
    recovered = JobRun.objects.filter(job="jobs_recover", counts__requeued=1)
    assert recovered.count() == 1
    queued = OutboxMessage.objects.filter(task_name="dashboards.rollup")
    assert [m.kwargs for m in queued] == [{"as_of": AS_OF.isoformat()}]


def test_a_job_whose_database_connection_drops_retries_and_finishes(
    rollup_world, broker, worker_log
) -> None:
    expected = rollup_world
    worker = Worker(broker_url=broker, log=worker_log)
    worker.start()
    try:
        with _rollup_held() as (conn, pid):
            # What a restart does to every session: the worker's connection is cut.
            with _admin_connection() as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            conn.rollback()
        wait_for(
            lambda: JobRun.objects.filter(job="rollup", outcome=Outcome.SUCCEEDED).exists(),
            timeout=90,
            what="the retried rollup",
        )
    finally:
        worker.stop()
    assert _snapshot() == expected
    assert "Retry in" in worker_log.read_text()
    assert JobRun.objects.filter(outcome=Outcome.SUCCEEDED).get().finished_at <= timezone.now()


def test_a_worker_busy_when_redis_restarts_lives_on_and_runs_the_jobs_after_it(
    rollup_world, world, worker_log
) -> None:
    """Redis restarted while a job runs, its message not yet acknowledged: the worker
    reconnects, finishes the job and takes the next ones. Celery 5.7.0 gave up instead (an
    "Unrecoverable error" while handing the unacknowledged message back over the connection it
    had just closed) and the worker exited, so no job ran until someone restarted it."""
    expected = rollup_world
    server = RedisServer()
    server.start()
    saved = current_conf()
    use_broker(server.url)
    worker = Worker(broker_url=server.url, log=worker_log, concurrency=2)
    worker.start()
    try:
        with _rollup_held() as (conn, _pid):
            server.stop()  # Redis goes away under the running job
            wait_for(
                lambda: "Connection to broker lost" in worker_log.read_text(),
                what="the worker to notice",
            )
            server.start()
            conn.rollback()
        wait_for(
            lambda: JobRun.objects.filter(job="rollup", outcome=Outcome.SUCCEEDED).exists(),
            timeout=90,
            what="the rollup to finish",
        )
        report = world.report_a1_commerce
        report_submit(actor=world.users["liaison"], report=report, expected_version=report.version)
        wait_for(
            lambda: Notification.objects.filter(recipient=world.users["coordinator"]).exists(),
            timeout=60,
            what="a job sent after the restart to run",
        )
        assert worker.process is not None and worker.process.poll() is None
    finally:
        worker.stop()
        server.stop()
        use_broker(saved[0], eager=saved[1])
    assert "Unrecoverable error" not in worker_log.read_text()
    assert _snapshot() == expected
