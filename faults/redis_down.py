"""Redis stopped while people work: a liaison logs in, saves and submits a report in the
browser, the report is also edited over the API with a token, a coordinator changes task
statuses (page and API) and opens the usual pages. Every request answers normally (no 5xx,
nothing refused that would have passed with Redis up) and the report ends submitted. When
Redis is back, every job queued meanwhile (the outbox) is handed over and each notification
it makes arrives exactly once.

Passing: 0 errors during the outage, the report submitted, every outbox message of the outage
sent, each expected notification present once, none twice; 0 unexpected 5xx in the access log;
the Celery worker still running afterwards.
"""

from __future__ import annotations

import re
import time

from faults.client import Browser, api
from faults.common import Tally, server_5xx
from faults.model import Fault
from faults.stack import LocalStack, wait_for
from faults.world import Person, people

NAME = "redis_down"
VERSION = re.compile(r'name="version" value="(\d+)"')
DELIVERY_TIMEOUT = 150  # seconds: the relay runs every minute on beat, the worker reconnects


def _liaison(found: dict[str, Person]) -> Person:
    """A liaison with a report still to hand in (the demo leaves a few)."""
    for person in found.values():
        if person.slots and not person.tasks:
            return person
    raise RuntimeError("no liaison has a report left to write in the demo data")


def run(stack: LocalStack) -> Fault:
    liaisons = [x.username for x in stack.logins if x.role == "liaison"][:60]
    found = people(stack, [*liaisons, "hainan_coordinator"])
    liaison, coordinator = _liaison(found), found["hainan_coordinator"]
    slot = liaison.slots[0]
    tasks = coordinator.tasks[:2]
    log_from = stack.access_log_lines()
    tally = Tally()
    began = stack.sql("SELECT now()")[0][0]

    stack.redis_stop()
    outage_started = time.monotonic()
    try:
        _work(stack, tally, liaison=liaison, coordinator=coordinator, slot=slot, tasks=tasks)
    finally:
        outage = time.monotonic() - outage_started
        stack.redis_start()
    ended = stack.sql("SELECT now()")[0][0]

    report = stack.sql(
        "SELECT id, state FROM reports_progressreport"
        " WHERE task_id = %s AND agency_id = %s AND period_id = %s",
        (slot["task"], slot["agency"], slot["period"]),
    )
    submitted = bool(report) and report[0][1] == "submitted"
    queued = stack.sql(
        "SELECT id, task_name, kwargs FROM ops_outboxmessage WHERE created_at BETWEEN %s AND %s",
        (began, ended),
    )
    unsent_during = stack.sql(
        "SELECT count(*) FROM ops_outboxmessage WHERE created_at BETWEEN %s AND %s"
        " AND sent_at IS NULL",
        (began, ended),
    )[0][0]
    events = [m[2]["event_id"] for m in queued if m[1] == "notifications.event_notify"]
    delivered_after = None
    started = time.monotonic()
    try:
        wait_for(
            lambda: _all_delivered(stack, began, ended, events),
            timeout=DELIVERY_TIMEOUT,
            what="the outbox to drain and the notifications to arrive",
            every=1,
        )
        delivered_after = round(time.monotonic() - started, 1)
    except TimeoutError:
        pass
    sent = stack.sql(
        "SELECT count(*) FROM ops_outboxmessage WHERE created_at BETWEEN %s AND %s"
        " AND sent_at IS NOT NULL",
        (began, ended),
    )[0][0]
    keys = [f"event:{e}" for e in events]
    notified = stack.sql(
        "SELECT count(*) FROM notifications_notification WHERE dedupe_key = ANY(%s)", (keys,)
    )[0][0]
    silent = stack.sql(
        "SELECT count(*) FROM unnest(%s::text[]) k WHERE NOT EXISTS"
        " (SELECT 1 FROM notifications_notification n WHERE n.dedupe_key = k)",
        (keys,),
    )[0][0]
    twice = stack.sql(
        "SELECT count(*) FROM (SELECT 1 FROM notifications_notification WHERE dedupe_key = ANY(%s)"
        " GROUP BY recipient_id, dedupe_key HAVING count(*) > 1) d",
        (keys,),
    )[0][0]
    coordinator_notes = stack.sql(
        "SELECT count(*) FROM notifications_notification n JOIN tasks_event e"
        " ON n.dedupe_key = 'event:' || e.id WHERE e.report_id = %s AND e.to_value = 'submitted'"
        " AND n.recipient_id = %s",
        (report[0][0] if report else 0, coordinator.id),
    )[0][0]
    five = server_5xx(stack, log_from)
    # The worker lives through the outage (Celery 5.7.0's exited when a job was in flight).
    worker_alive = bool(stack.worker_pids()) and "Unrecoverable error" not in stack.log_text(
        "worker"
    )
    # What the relay met with the rows still unsent: no attempt after the outage's own means
    # no relay ran; attempts with an error mean it ran and could not publish.
    stuck = stack.sql(
        "SELECT attempts, left(last_error, 200) FROM ops_outboxmessage"
        " WHERE created_at BETWEEN %s AND %s AND sent_at IS NULL ORDER BY id LIMIT 5",
        (began, ended),
    )
    figures = {
        **tally.figures(),
        "outage_seconds": round(outage, 1),
        "report_submitted": submitted,
        "outbox_queued": len(queued),
        "outbox_unsent_while_down": unsent_during,
        "outbox_sent_after": sent,
        "notifying_events": len(events),
        "notifications": notified,
        "events_without_notification": silent,
        "duplicate_notifications": twice,
        "coordinator_notified": coordinator_notes,
        "delivered_seconds_after_redis_back": delivered_after,
        "server_5xx": five,
        "worker_alive": worker_alive,
    }
    if stuck:
        figures["unsent_attempts_and_errors"] = [list(row) for row in stuck]
    passed = (
        not tally.errors
        and submitted
        and sent == len(queued)
        and silent == 0
        and twice == 0
        and coordinator_notes == 1
        and five == 0
        and worker_alive
    )
    return Fault(NAME, passed, figures)


def _all_delivered(stack: LocalStack, began: object, ended: object, events: list[int]) -> bool:
    unsent = stack.sql(
        "SELECT count(*) FROM ops_outboxmessage WHERE created_at BETWEEN %s AND %s"
        " AND sent_at IS NULL",
        (began, ended),
    )[0][0]
    keys = [f"event:{e}" for e in events]
    silent = stack.sql(
        "SELECT count(*) FROM unnest(%s::text[]) k WHERE NOT EXISTS"
        " (SELECT 1 FROM notifications_notification n WHERE n.dedupe_key = k)",
        (keys,),
    )[0][0]
    return unsent == 0 and silent == 0


def _work(
    stack: LocalStack,
    tally: Tally,
    *,
    liaison: Person,
    coordinator: Person,
    slot: dict,
    tasks: list[int],
) -> None:
    """What people do while Redis is down; each step's answer is checked by the tally."""
    browser = Browser(stack, username=liaison.username, password=liaison.password)
    tally.call("liaison login", browser.login, expect=(302,))
    tally.call("home", lambda: browser.get("/"))
    edit = f"/reports/write/{slot['task']}/{slot['agency']}/{slot['period']}/"
    values = {
        "progress": "故障演练:Redis 停止期间保存的进展。",
        "achievements": "按计划推进。",
        "problems": "",
        "next_steps": "继续推进。",
        "percent": "60",
        "milestone": "",
    }
    page = tally.call("report form", lambda: browser.get(edit))
    version = _version(page.text if page is not None else "")
    tally.call(
        "save draft",
        lambda: browser.post_form(edit, {**values, "version": version, "action": "save"}),
        expect=(302,),
    )
    # The same draft over the API with the liaison's token (If-Match: its ETag).
    rest = api(stack, liaison.token)
    report_id = stack.sql(
        "SELECT id FROM reports_progressreport WHERE task_id = %s AND agency_id = %s"
        " AND period_id = %s",
        (slot["task"], slot["agency"], slot["period"]),
    )
    if report_id:
        url = f"{stack.base_url}/api/v1/reports/{report_id[0][0]}/"
        got = tally.call("api get report", lambda: rest.get(url, timeout=30))
        etag = got.headers.get("ETag", "") if got is not None else ""
        tally.call(
            "api patch report",
            lambda: rest.patch(
                url,
                json={"achievements": "接口补充:Redis 停止期间。"},
                headers={"If-Match": etag},
                timeout=30,
            ),
        )
    else:
        tally.errors.append("save draft: no report row after the save")
    page = tally.call("report form again", lambda: browser.get(edit))
    version = _version(page.text if page is not None else "")
    submitted = tally.call(
        "submit",
        lambda: browser.post_form(edit, {**values, "version": version, "action": "submit"}),
        expect=(302,),
    )
    if submitted is not None and submitted.status_code == 302:
        tally.call("report detail", lambda: browser.get(submitted.headers["Location"]))

    boss = Browser(stack, username=coordinator.username, password=coordinator.password)
    tally.call("coordinator login", boss.login, expect=(302,))
    for path in ("/", "/dashboards/", f"/dashboards/plans/{coordinator.plans[0]}/"):
        tally.call(f"page {path}", lambda path=path: boss.get(path))
    if tasks:
        _status_by_page(stack, tally, boss, tasks[0])
    if len(tasks) > 1:
        _status_by_api(stack, tally, api(stack, coordinator.token), tasks[1])


def _version(html: str) -> str:
    found = VERSION.search(html)
    return found.group(1) if found else ""


def _other_status(stack: LocalStack, task: int) -> str:
    current = stack.sql("SELECT status FROM tasks_task WHERE id = %s", (task,))[0][0]
    return "at_risk" if current != "at_risk" else "on_track"


def _status_by_page(stack: LocalStack, tally: Tally, boss: Browser, task: int) -> None:
    page = tally.call("task page", lambda: boss.get(f"/tasks/{task}/"))
    version = _version(page.text if page is not None else "")
    tally.call(
        "status change (page)",
        lambda: boss.post_form(
            f"/tasks/{task}/status/",
            {"status": _other_status(stack, task), "reason": "故障演练", "version": version},
        ),
        expect=(302,),
    )


def _status_by_api(stack: LocalStack, tally: Tally, rest: object, task: int) -> None:
    url = f"{stack.base_url}/api/v1/tasks/{task}/"
    got = tally.call("api get task", lambda: rest.get(url, timeout=30))  # type: ignore[attr-defined]
    etag = got.headers.get("ETag", "") if got is not None else ""
    tally.call(
        "api status change",
        lambda: rest.post(  # type: ignore[attr-defined]
            f"{url}status/",
            json={"status": _other_status(stack, task), "reason": "故障演练(接口)"},
            headers={"If-Match": etag},
            timeout=30,
        ),
    )
