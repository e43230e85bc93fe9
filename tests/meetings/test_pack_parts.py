"""A pack's formats are made by jobs of their own: each claimed once, the last to finish marks
the pack done, a failing format fails the pack with its reason. With a real worker of two
processes, the formats of one pack are built side by side. A job holds its format's lease (an
advisory lock) while it works: a live one is left alone, a dead one's format is taken over at
once."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.utils import timezone

from meetings.models import MeetingPack, PackPart, PackState
from meetings.packs import services
from meetings.packs.services import pack_build, pack_part_render, pack_request, packs_resume
from meetings.services import meeting_create
from ops.locks import LOCK_NAMESPACE, lease_free
from ops.models import OutboxMessage
from tasks.models import Event, EventKind


def _connect() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        autocommit=True,
    )


@contextmanager
def lease_held_elsewhere(name: str) -> Iterator[None]:
    """A job in another worker holding the lease `name`; leaving the block is its death (its
    connection closes, and PostgreSQL frees the lock)."""
    with _connect() as other:
        other.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, name])
        yield


@pytest.fixture
def pack(world) -> MeetingPack:
    meeting = meeting_create(
        actor=world.users["secretary"],
        plan=world.plan_a,
        title="2026年度工作会议",
        held_on=dt.date(2026, 1, 15),
    )
    return pack_request(
        actor=world.users["secretary"], plan=world.plan_a, meeting=meeting, formats=["docx", "xlsx"]
    )


def test_the_gathering_job_queues_one_job_per_format(pack) -> None:
    assert pack_build(pack_id=pack.pk) is True
    pack.refresh_from_db()
    assert pack.state == PackState.RUNNING and pack.progress == 10 and pack.data["sections"]
    assert sorted(PackPart.objects.values_list("format", "state")) == [
        ("docx", PackState.PENDING),
        ("xlsx", PackState.PENDING),
    ]
    queued = OutboxMessage.objects.filter(task_name="meetings.pack_render")
    assert sorted(m.kwargs["fmt"] for m in queued) == ["docx", "xlsx"]
    assert pack_build(pack_id=pack.pk) is False  # a redelivered job queues nothing more


def test_each_format_is_made_once_and_the_last_one_finishes_the_pack(pack) -> None:
    pack_build(pack_id=pack.pk)
    assert pack_part_render(pack_id=pack.pk, fmt="docx") is True
    assert pack_part_render(pack_id=pack.pk, fmt="docx") is False  # already made
    pack.refresh_from_db()
    assert pack.state == PackState.RUNNING and pack.docx and not pack.xlsx
    assert pack.progress == 52 and "1/2" in pack.step
    assert pack_part_render(pack_id=pack.pk, fmt="xlsx") is True
    pack.refresh_from_db()
    assert pack.state == PackState.DONE and pack.progress == 100 and pack.xlsx
    assert pack.data is None  # the gathered data is not kept twice


def test_a_failing_format_fails_the_pack_with_its_reason(pack, monkeypatch) -> None:
    def broken(data: dict) -> bytes:
        raise ValueError("字体缺失")

    monkeypatch.setitem(services.RENDERERS, "xlsx", broken)
    pack_build(pack_id=pack.pk)
    with pytest.raises(ValueError):
        pack_part_render(pack_id=pack.pk, fmt="xlsx")
    pack.refresh_from_db()
    assert pack.state == PackState.FAILED and "字体缺失" in pack.error
    assert PackPart.objects.get(format="xlsx").state == PackState.FAILED
    # The other format's job finds a failed pack and makes nothing.
    assert pack_part_render(pack_id=pack.pk, fmt="docx") is False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_builds_the_formats_side_by_side(world, tmp_path: Path) -> None:
    import redis

    from tests.ops.worker import Worker, use_broker, wait_for

    broker = "redis://127.0.0.1:6379/14"
    redis.Redis.from_url(broker).flushdb()
    from celery import current_app

    saved = current_app.conf.broker_url, current_app.conf.task_always_eager
    use_broker(broker)
    worker = Worker(broker_url=broker, log=tmp_path / "worker.log", concurrency=2)
    worker.start()
    try:
        meeting = meeting_create(
            actor=world.users["secretary"], plan=world.plan_a, title="年度会议",
            held_on=dt.date(2026, 1, 15),
        )  # fmt: skip
        pack = pack_request(
            actor=world.users["secretary"], plan=world.plan_a, meeting=meeting,
            formats=["docx", "pdf", "xlsx"],
        )  # fmt: skip
        wait_for(
            lambda: MeetingPack.objects.filter(pk=pack.pk, state=PackState.DONE).exists(),
            timeout=120,
            what="the pack to be built",
        )
    finally:
        worker.stop()
        use_broker(saved[0], eager=saved[1])
        redis.Redis.from_url(broker).flushdb()
    pack.refresh_from_db()
    assert pack.docx and pack.pdf and pack.xlsx
    assert Path(settings.MEDIA_ROOT, pack.pdf.name).read_bytes().startswith(b"%PDF")
    parts = list(PackPart.objects.filter(pack=pack))
    assert {p.state for p in parts} == {PackState.DONE}
    # Side by side: some format started before another had finished.
    parts.sort(key=lambda p: p.started_at)
    assert any(
        later.started_at < earlier.finished_at for earlier, later in itertools.pairwise(parts)
    )


def test_a_job_whose_claim_was_taken_over_changes_nothing(pack, monkeypatch) -> None:
    """A format job that ran past STALE_AFTER lost its claim to another job: when it ends, its
    file is discarded and the pack is left to the job that holds the claim."""
    real = services.RENDERERS["xlsx"]

    def slow(data: dict) -> bytes:
        # Meanwhile the part was taken over by another job (a newer claim time).
        PackPart.objects.filter(format="xlsx").update(
            started_at=timezone.now() + dt.timedelta(seconds=1)
        )
        return real(data)

    monkeypatch.setitem(services.RENDERERS, "xlsx", slow)
    pack_build(pack_id=pack.pk)
    assert pack_part_render(pack_id=pack.pk, fmt="xlsx") is True
    pack.refresh_from_db()
    assert not pack.xlsx and pack.state == PackState.RUNNING
    assert PackPart.objects.get(format="xlsx").state == PackState.RUNNING  # the other job's


def test_a_format_finishing_after_another_failed_keeps_the_failure(pack, monkeypatch) -> None:
    def broken(data: dict) -> bytes:
        raise ValueError("字体缺失")

    pack_build(pack_id=pack.pk)
    monkeypatch.setitem(services.RENDERERS, "xlsx", broken)
    with pytest.raises(ValueError):
        pack_part_render(pack_id=pack.pk, fmt="xlsx")
    PackPart.objects.filter(format="docx").update(state=PackState.RUNNING)  # had started
    from meetings.packs.services import _part_done

    mine = PackPart.objects.filter(pack=pack, format="docx")
    assert _part_done(mine=mine, pack_id=pack.pk, fmt="docx", name="packs/x.docx") is True
    pack.refresh_from_db()
    assert pack.state == PackState.FAILED and pack.step == "生成失败" and pack.docx


def test_formats_left_behind_are_queued_again_and_fresh_ones_are_not(pack) -> None:
    from meetings.packs.services import RESUME_AFTER

    pack_build(pack_id=pack.pk)
    OutboxMessage.objects.all().delete()
    assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 0}  # in time
    long_ago = timezone.now() - RESUME_AFTER - dt.timedelta(minutes=1)
    MeetingPack.objects.filter(pk=pack.pk).update(started_at=long_ago)  # nobody took docx
    # xlsx was taken by a job that died (nobody holds its lease).
    PackPart.objects.filter(format="xlsx").update(state=PackState.RUNNING, started_at=long_ago)
    assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 2}
    queued = OutboxMessage.objects.filter(task_name="meetings.pack_render")
    assert sorted(m.kwargs["fmt"] for m in queued) == ["docx", "xlsx"]
    # The queued jobs finish the pack: the stuck claim is taken over.
    assert pack_part_render(pack_id=pack.pk, fmt="xlsx") is True
    assert pack_part_render(pack_id=pack.pk, fmt="docx") is True
    pack.refresh_from_db()
    assert pack.state == PackState.DONE


def test_a_pack_whose_gathering_was_lost_is_gathered_again(pack) -> None:
    OutboxMessage.objects.all().delete()
    just_now = timezone.now()
    MeetingPack.objects.filter(pk=pack.pk).update(state=PackState.RUNNING, started_at=just_now)
    with lease_held_elsewhere(f"pack:{pack.pk}"):  # still gathering, in a live job
        assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 0}
        assert pack_build(pack_id=pack.pk) is False
    # Its job died: queued again and taken over at once.
    assert packs_resume(as_of=timezone.localdate()) == {"packs": 1, "formats": 0}
    assert pack_build(pack_id=pack.pk) is True
    assert pack_build(pack_id=pack.pk) is False  # gathered: a copy does not gather it again


def test_a_pack_waiting_too_long_is_queued_again_once(pack) -> None:
    from meetings.packs.services import RESUME_AFTER

    assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 0}  # just asked
    long_ago = timezone.now() - RESUME_AFTER - dt.timedelta(seconds=1)
    MeetingPack.objects.filter(pk=pack.pk).update(created_at=long_ago)
    OutboxMessage.objects.update(created_at=long_ago)  # its message was lost long ago
    assert packs_resume(as_of=timezone.localdate()) == {"packs": 1, "formats": 0}
    # Queued again a moment ago: a minute later it is not queued a third time.
    assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 0}


def test_a_format_whose_job_died_is_taken_over_at_once_and_a_live_one_is_left_alone(
    pack,
) -> None:
    pack_build(pack_id=pack.pk)
    OutboxMessage.objects.all().delete()
    # A job took xlsx a moment ago and is rendering it: it holds the format's lease.
    PackPart.objects.filter(format="xlsx").update(
        state=PackState.RUNNING, started_at=timezone.now()
    )
    with lease_held_elsewhere(f"pack:{pack.pk}:xlsx"):
        assert pack_part_render(pack_id=pack.pk, fmt="xlsx") is False  # a copy is turned away
        assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 0}
    # Its worker was killed: its connection, and the lease, went with it.
    assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 1}
    queued = OutboxMessage.objects.get()
    assert queued.kwargs == {"pack_id": pack.pk, "fmt": "xlsx"}
    assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 0}  # once
    # The queued job takes it over at once, not after STALE_AFTER.
    assert pack_part_render(pack_id=pack.pk, fmt="xlsx") is True
    assert pack_part_render(pack_id=pack.pk, fmt="docx") is True
    pack.refresh_from_db()
    assert pack.state == PackState.DONE and pack.xlsx and pack.docx
    assert Event.objects.filter(kind=EventKind.PACK_DONE).count() == 1


def _blocked_on_pack() -> bool:
    with _connect() as conn:
        return bool(
            conn.execute(
                "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query ILIKE '%meetings_meetingpack%FOR UPDATE%'"
            ).fetchone()
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_format_whose_worker_was_killed_mid_render_is_taken_over_at_once(
    world, tmp_path: Path
) -> None:
    """A real worker, killed with a format half done; the broker would hand its message out
    again only after an hour. The sweep queues it again at once, a new worker finishes the
    pack, and the pack is announced done once."""
    import redis
    from celery import current_app

    from tests.ops.worker import Worker, use_broker, wait_for

    broker = "redis://127.0.0.1:6379/14"
    redis.Redis.from_url(broker).flushdb()
    saved = current_app.conf.broker_url, current_app.conf.task_always_eager
    use_broker(broker)
    worker = Worker(broker_url=broker, log=tmp_path / "worker.log", visibility_timeout=3600)
    try:
        meeting = meeting_create(
            actor=world.users["secretary"], plan=world.plan_a, title="年度会议",
            held_on=dt.date(2026, 1, 15),
        )  # fmt: skip
        pack = pack_request(
            actor=world.users["secretary"], plan=world.plan_a, meeting=meeting, formats=["xlsx"]
        )
        redis.Redis.from_url(broker).flushdb()  # gathered here instead: only the render queued
        assert pack_build(pack_id=pack.pk) is True
        lease = f"pack:{pack.pk}:xlsx"
        with _connect() as conn:
            conn.autocommit = False
            # The job renders, then waits here to record its file: killed half done.
            conn.execute("LOCK TABLE meetings_meetingpack IN EXCLUSIVE MODE")
            worker.start()
            wait_for(_blocked_on_pack, what="the render to reach its last write")
            part = PackPart.objects.get(pack=pack)
            assert part.state == PackState.RUNNING and not lease_free(lease)
            # Alive: a copy of its job is turned away and the sweep leaves it alone.
            assert pack_part_render(pack_id=pack.pk, fmt="xlsx") is False
            assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 0}
            worker.kill()
            wait_for(lambda: lease_free(lease), timeout=30, what="the dead job's lease")
            conn.rollback()
        assert PackPart.objects.get(pk=part.pk).state == PackState.RUNNING
        assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 1}
        worker.start()
        wait_for(
            lambda: MeetingPack.objects.filter(pk=pack.pk, state=PackState.DONE).exists(),
            timeout=60,
            what="the pack to be finished by the new worker",
        )
    finally:
        worker.stop()
        use_broker(saved[0], eager=saved[1])
        redis.Redis.from_url(broker).flushdb()
    pack.refresh_from_db()
    assert pack.xlsx and Path(settings.MEDIA_ROOT, pack.xlsx.name).exists()
    assert Event.objects.filter(kind=EventKind.PACK_DONE, plan=world.plan_a).count() == 1
