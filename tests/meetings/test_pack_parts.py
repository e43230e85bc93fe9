"""A pack's formats are made by jobs of their own: each claimed once, the last to finish marks
the pack done, a failing format fails the pack with its reason. With a real worker of two
processes, the formats of one pack are built side by side."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from meetings.models import MeetingPack, PackPart, PackState
from meetings.packs import services
from meetings.packs.services import pack_build, pack_part_render, pack_request
from meetings.services import meeting_create
from ops.models import OutboxMessage


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
    from meetings.packs.services import STALE_AFTER, packs_resume

    pack_build(pack_id=pack.pk)
    OutboxMessage.objects.all().delete()
    assert packs_resume(as_of=timezone.localdate()) == {"packs": 0, "formats": 0}  # in time
    long_ago = timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    MeetingPack.objects.filter(pk=pack.pk).update(started_at=long_ago)  # nobody took docx
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
    from meetings.packs.services import STALE_AFTER, packs_resume

    long_ago = timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    MeetingPack.objects.filter(pk=pack.pk).update(state=PackState.RUNNING, started_at=long_ago)
    assert packs_resume(as_of=timezone.localdate()) == {"packs": 1, "formats": 0}
    assert pack_build(pack_id=pack.pk) is True  # the stale claim is taken over
