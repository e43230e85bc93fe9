"""PostgreSQL restarted under traffic: 6 logged-in clients read pages and post comments (each
comment carries a unique marker) while the stack's cluster is stopped for ~10 s and started.

Passing: errors only while the database is down (a request that started in the outage, or
was in flight when it began), each a 503 "try again shortly" (config/errors.py), never a 500;
none after it is back; every comment that got its redirect
(acknowledged) is in the database afterwards; 0 lost.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from typing import Any

from faults.client import Browser
from faults.common import server_5xx
from faults.model import Fault
from faults.stack import LocalStack
from faults.world import people

NAME = "postgres_restart"
EXPECTS_5XX = True  # while the database is down a page answers 503: counted, judged below
CLIENTS = 6
BEFORE, DOWN, AFTER = 8.0, 10.0, 20.0  # seconds of traffic before, outage, traffic after
TIMEOUT = 30


class Record:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[tuple[float, float, str, bool]] = []  # start, end, what, ok
        self.acknowledged: list[str] = []
        self.sent: list[str] = []

    def add(self, started: float, what: str, ok: bool) -> None:
        with self.lock:
            self.calls.append((started, time.monotonic(), what, ok))


def _client(
    stack: LocalStack,
    browser: Browser,
    n: int,
    tasks: list[int],
    record: Record,
    stop: threading.Event,
) -> None:
    pages = ["/", "/dashboards/", f"/tasks/{tasks[0]}/"]
    for i in itertools.count():
        if stop.is_set():
            return
        task = tasks[(n + i) % len(tasks)]
        started = time.monotonic()
        if i % 3 == 2:
            marker = f"fault-pg-{n}-{i}-{int(started * 1000)}"
            with record.lock:
                record.sent.append(marker)
            try:
                response = browser.http.post(
                    browser.url(f"/tasks/{task}/comment/"),
                    data={
                        "text": marker,
                        "csrfmiddlewaretoken": browser.http.cookies.get("csrftoken", ""),
                    },
                    timeout=TIMEOUT,
                    allow_redirects=False,
                )
                ok, what = response.status_code == 302, f"comment {response.status_code}"
            except Exception:  # a refused or reset connection is an error, counted below
                ok, what = False, "comment failed"
            record.add(started, what, ok)
            if ok:
                with record.lock:
                    record.acknowledged.append(marker)
        else:
            path = pages[i % len(pages)]
            try:
                response = browser.get(path)
                ok, what = response.status_code == 200, f"GET {path} {response.status_code}"
            except Exception:  # as above
                ok, what = False, f"GET {path} failed"
            record.add(started, what, ok)
        time.sleep(0.05)


def run(stack: LocalStack) -> Fault:
    liaisons = [x.username for x in stack.logins if x.username.startswith("hainan_liaison")]
    names = ["hainan_coordinator", "hainan_secretary", *liaisons[: CLIENTS - 2]]
    found = people(stack, names)
    tasks = found["hainan_coordinator"].tasks[:10]
    browsers = []
    for name in names[:CLIENTS]:
        browser = Browser(stack, username=name, password=found[name].password)
        browser.login()
        browser.get("/")  # the CSRF cookie
        browsers.append(browser)

    log_from = stack.access_log_lines()
    record, stop = Record(), threading.Event()
    threads = [
        threading.Thread(target=_client, args=(stack, b, n, tasks, record, stop), daemon=True)
        for n, b in enumerate(browsers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(BEFORE)
    down_at = time.monotonic()
    stack.postgres_restart(down_seconds=DOWN)
    up_at = time.monotonic()
    time.sleep(AFTER)
    stop.set()
    for thread in threads:
        thread.join(TIMEOUT + 5)

    before = [c for c in record.calls if c[1] < down_at]
    during = [c for c in record.calls if c[1] >= down_at and c[0] < up_at]
    kinds = Counter(c[2].rsplit(" ", 1)[-1] for c in during if not c[3])
    after = [c for c in record.calls if c[0] >= up_at]
    lost = _lost(stack, record.acknowledged)
    errors_after = [f"{c[2]} at +{c[0] - up_at:.1f}s" for c in after if not c[3]]
    figures: dict[str, Any] = {
        "clients": len(browsers),
        "outage_seconds": round(up_at - down_at, 1),
        "requests": len(record.calls),
        "errors_before": sum(not c[3] for c in before),
        "errors_during": sum(not c[3] for c in during),
        "errors_during_by_answer": dict(kinds),
        "errors_after": len(errors_after),
        "first_errors_after": errors_after[:5],
        "requests_after": len(after),
        "writes_sent": len(record.sent),
        "writes_acknowledged": len(record.acknowledged),
        "acknowledged_lost": len(lost),
        "server_5xx": server_5xx(stack, log_from),
    }
    passed = (
        figures["errors_before"] == 0
        and not errors_after
        and not lost
        and kinds.get("500", 0) == 0
        and len(after) > 0
        and len(record.acknowledged) > 0
    )
    return Fault(NAME, passed, figures)


def _lost(stack: LocalStack, markers: list[str]) -> list[str]:
    found = {
        row[0]
        for row in stack.sql(
            "SELECT reason FROM tasks_event WHERE kind = 'commented' AND reason = ANY(%s)",
            (markers,),
        )
    }
    return [m for m in markers if m not in found]
