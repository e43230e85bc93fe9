"""The whole Celery worker SIGKILLed in the middle of a rollup and of a meeting pack.

The rollup is held mid-way (a `LOCK TABLE dashboards_rollup IN EXCLUSIVE MODE` on a
connection of ours, so it blocks at its writes) while the committee secretary requests a
pack; once the rollup waits on the lock and a pack part is rendering, the worker's whole
process group is killed, the lock released and a new worker started.

Passing: within 2 minutes of the new worker, the rollup has run again to success with rows
identical to a clean run of the same date, the pack is done with every format's file, and the
pack's PACK_DONE event (and any notification of it) exists exactly once; 0 unexpected 5xx.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

from faults.client import Browser
from faults.common import Tally, server_5xx
from faults.model import Fault
from faults.stack import LocalStack, wait_for
from faults.world import people

NAME = "worker_killed"
RECOVERY_LIMIT = 120  # seconds after the new worker starts (issue 20: "within 2 minutes")
SNAPSHOT = """
SELECT md5(string_agg(row_text, E'\\n' ORDER BY row_text)), count(*) FROM (
    SELECT (to_jsonb(r) - 'id' - 'computed_at')::text AS row_text
    FROM dashboards_rollup r WHERE batch = 'nightly' AND as_of = %s
) rows
"""


def _snapshot(stack: LocalStack, as_of: Any) -> tuple[str, int]:
    digest, count = stack.sql(SNAPSHOT, (as_of,))[0]
    return digest or "", count


def _rollup_waiting(stack: LocalStack) -> bool:
    return bool(
        stack.sql(
            "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s",
            ("%dashboards_rollup%",),
        )
    )


def run(stack: LocalStack) -> Fault:
    log_from = stack.access_log_lines()
    tally = Tally()
    secretary = people(stack, ["hainan_secretary"])["hainan_secretary"]
    as_of = stack.sql("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date")[0][0]
    day = as_of.isoformat()

    # A clean run first: what the rows must be.
    stack.manage("run_job", "rollup", "--as-of", day)
    clean = _snapshot(stack, as_of)
    stack.sql("DELETE FROM dashboards_rollup WHERE batch = 'nightly' AND as_of = %s", (as_of,))
    runs_before = stack.sql("SELECT coalesce(max(id), 0) FROM ops_jobrun")[0][0]
    events_before = stack.sql("SELECT coalesce(max(id), 0) FROM tasks_event")[0][0]

    figures: dict[str, Any] = {"rollup_rows_clean": clean[1]}
    holder = psycopg.connect(stack.admin_dsn())
    try:
        holder.execute("LOCK TABLE dashboards_rollup IN EXCLUSIVE MODE")
        stack.shell(f"from dashboards.jobs import rollup; rollup.delay(as_of={day!r})")
        wait_for(lambda: _rollup_waiting(stack), timeout=60, what="the rollup to reach its writes")

        browser = Browser(stack, username=secretary.username, password=secretary.password)
        tally.call("secretary login", browser.login, expect=(302,))
        meeting = secretary.meetings[0]
        tally.call(
            "request pack",
            lambda: browser.post_form(
                f"/plans/meetings/{meeting}/packs/",
                {"pack-formats": ["docx", "pdf", "xlsx"]},
                form_page=f"/plans/meetings/{meeting}/",
            ),
            expect=(302,),
        )
        pack = stack.sql(
            "SELECT id FROM meetings_meetingpack WHERE meeting_id = %s ORDER BY id DESC LIMIT 1",
            (meeting,),
        )[0][0]
        figures["pack"] = pack
        try:
            part = wait_for(
                lambda: stack.sql(
                    "SELECT format FROM meetings_packpart WHERE pack_id = %s AND state = 'running'",
                    (pack,),
                ),
                timeout=90,
                what="a pack part to start rendering",
                every=0.05,
            )
            figures["killed_mid_part"] = part[0][0]
        except TimeoutError:
            figures["killed_mid_part"] = None
        stack.worker_kill()
        figures["parts_at_kill"] = dict(
            stack.sql("SELECT format, state FROM meetings_packpart WHERE pack_id = %s", (pack,))
        )
    finally:
        holder.rollback()
        holder.close()

    figures["rollup_run_at_kill"] = _rollup_outcome(stack, runs_before)
    stack.worker_start()
    started = time.monotonic()
    rollup_after = pack_after = None
    deadline = started + RECOVERY_LIMIT + 15  # measured, then judged against the limit
    while time.monotonic() < deadline and (rollup_after is None or pack_after is None):
        if rollup_after is None and _rollup_outcome(stack, runs_before) == "succeeded":
            rollup_after = round(time.monotonic() - started, 1)
        state = stack.sql("SELECT state FROM meetings_meetingpack WHERE id = %s", (pack,))[0][0]
        if pack_after is None and state in ("done", "failed"):
            pack_after = round(time.monotonic() - started, 1)
        time.sleep(1)

    recovered = _snapshot(stack, as_of)
    pack_row = stack.sql(
        "SELECT state, docx, pdf, xlsx FROM meetings_meetingpack WHERE id = %s", (pack,)
    )[0]
    files = [name for name in pack_row[1:] if name]
    files_present = all((stack.media_root / name).is_file() for name in files)
    done_events = stack.sql(
        "SELECT id FROM tasks_event WHERE kind = 'pack_done' AND id > %s"
        " AND (data->>'pack')::bigint = %s",
        (events_before, pack),
    )
    twice = stack.sql(
        "SELECT count(*) FROM (SELECT 1 FROM notifications_notification WHERE dedupe_key = ANY(%s)"
        " GROUP BY recipient_id, dedupe_key HAVING count(*) > 1) d",
        ([f"event:{e[0]}" for e in done_events],),
    )[0][0]
    five = server_5xx(stack, log_from)
    figures.update(
        {
            **tally.figures(),
            "rollup_recovered_seconds": rollup_after,
            "rollup_rows_after": recovered[1],
            "rollup_identical": recovered == clean,
            "pack_state": pack_row[0],
            "pack_recovered_seconds": pack_after,
            "pack_files": len(files),
            "pack_files_present": files_present,
            "pack_done_events": len(done_events),
            "duplicate_notifications": twice,
            "server_5xx": five,
        }
    )
    passed = (
        not tally.errors
        and rollup_after is not None
        and rollup_after <= RECOVERY_LIMIT
        and recovered == clean
        and pack_row[0] == "done"
        and pack_after is not None
        and pack_after <= RECOVERY_LIMIT
        and len(files) == 3
        and files_present
        and len(done_events) == 1
        and twice == 0
        and five == 0
    )
    return Fault(NAME, passed, figures)


def _rollup_outcome(stack: LocalStack, after_id: int) -> str | None:
    """The outcome of the latest rollup run since `after_id` that did not just find the
    lock taken (a `locked` run is a twin that stepped aside)."""
    rows = stack.sql(
        "SELECT outcome FROM ops_jobrun WHERE job = 'rollup' AND id > %s"
        " AND outcome <> 'locked' ORDER BY id DESC LIMIT 1",
        (after_id,),
    )
    return rows[0][0] if rows else None
