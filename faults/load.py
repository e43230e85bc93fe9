"""50 simulated users for 2 minutes (`--load-seconds`), arriving over the first 10 s, each
logged in with a session of its own: they open their task list, task pages, dashboards and
the API with their token, and one request in ten is a write (a comment on a task of their
plan). Each user waits 0.5–1.5 s between requests, as a person reading the page would.

Passing: 0 errors (every answer 2xx/3xx, none refused or timed out), every acknowledged write
in the database; p50/p95 and requests/s are reported.
"""

from __future__ import annotations

import os
import random
import threading
import time
from typing import Any

from faults.client import Browser, api
from faults.common import Tally, server_5xx
from faults.model import Fault
from faults.stack import LocalStack
from faults.world import Person, people

NAME = "load"
USERS = 50
WRITE_SHARE = 0.10
THINK = (0.5, 1.5)  # seconds between one user's requests
RAMP_UP = 10.0  # seconds over which the users arrive: fifty logins in one instant is no morning


def _users(stack: LocalStack) -> list[str]:
    names = [x.username for x in stack.logins if x.role not in ("operator",)]
    return names[:USERS]


def _plan_tasks(stack: LocalStack) -> dict[int, list[int]]:
    rows = stack.sql("SELECT plan_id, id FROM tasks_task ORDER BY plan_id, number")
    tasks: dict[int, list[int]] = {}
    for plan, task in rows:
        tasks.setdefault(plan, []).append(task)
    return tasks


def _user(
    stack: LocalStack,
    person: Person,
    tasks: list[int],
    tally: Tally,
    logins: Tally,
    written: list[str],
    until: float,
    seed: int,
) -> None:
    rng = random.Random(seed)  # noqa: S311 - think times and picks, not secrets
    time.sleep(RAMP_UP * seed / USERS)
    browser = Browser(stack, username=person.username, password=person.password)
    # Logins are timed apart: a password hash is meant to be slow, and fifty at once would
    # hide the pages' own times.
    if logins.call("login", browser.login, expect=(302,)) is None:
        return
    rest = api(stack, person.token)
    plan = person.plans[0] if person.plans else None
    reads = [
        lambda: browser.get("/"),
        lambda: browser.get(f"/tasks/{rng.choice(tasks)}/"),
        lambda: browser.get("/dashboards/"),
        lambda: browser.get(f"/dashboards/plans/{plan}/"),
        lambda: browser.get("/notifications/"),
        lambda: rest.get(f"{stack.base_url}/api/v1/tasks/?plan={plan}", timeout=30),
        lambda: rest.get(f"{stack.base_url}/api/v1/tasks/{rng.choice(tasks)}/", timeout=30),
    ]
    n = 0
    while time.monotonic() < until:
        n += 1
        if rng.random() < WRITE_SHARE:
            marker = f"fault-load-{person.username}-{n}"
            task = rng.choice(tasks)
            response = tally.call(
                "comment",
                lambda marker=marker, task=task: browser.post_form(
                    f"/tasks/{task}/comment/", {"text": marker}
                ),
                expect=(302,),
            )
            if response is not None and response.status_code == 302:
                written.append(marker)
        else:
            i = rng.randrange(len(reads))
            tally.call(f"read {i}", reads[i])
        time.sleep(rng.uniform(*THINK))


def run(stack: LocalStack) -> Fault:
    seconds = float(os.environ.get("FAULTS_LOAD_SECONDS", "120"))
    log_from = stack.access_log_lines()
    found = people(stack, _users(stack))
    by_plan = _plan_tasks(stack)
    tally, logins, written = Tally(), Tally(), []
    started = time.monotonic()
    until = started + seconds
    threads = []
    for i, person in enumerate(found.values()):
        tasks = by_plan.get(person.plans[0], []) if person.plans else []
        if not tasks:
            continue
        threads.append(
            threading.Thread(
                target=_user,
                args=(stack, person, tasks, tally, logins, written, until, i),
                daemon=True,
            )
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.monotonic() - started
    stored = stack.sql(
        "SELECT count(*) FROM tasks_event WHERE kind = 'commented' AND reason = ANY(%s)",
        (written,),
    )[0][0]
    five = server_5xx(stack, log_from)
    figures: dict[str, Any] = {
        "users": len(threads),
        "seconds": round(elapsed, 1),
        **tally.figures(),
        "login_errors": len(logins.errors),
        "login_p95_ms": round(logins.percentile(95) * 1000),
        "writes_acknowledged": len(written),
        "writes_lost": len(written) - stored,
        "p50_ms": round(tally.percentile(50) * 1000),
        "p95_ms": round(tally.percentile(95) * 1000),
        "max_ms": round(max(tally.latencies, default=0) * 1000),
        "requests_per_second": round((tally.requests + logins.requests) / elapsed, 1),
        "server_5xx": five,
    }
    passed = (
        not tally.errors
        and not logins.errors
        and stored == len(written)
        and five == 0
        and len(threads) == USERS
    )
    return Fault(NAME, passed, figures)
