"""What every scenario counts: each request's outcome and time, thread-safe."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import requests

from faults.stack import LocalStack

OK = range(200, 400)  # a redirect is how a saved form answers


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()
        self.errors: list[str] = []  # unexpected answers: what, status, when
        self.latencies: list[float] = []

    def call(
        self,
        what: str,
        send: Callable[[], requests.Response],
        *,
        expect: range | tuple[int, ...] = OK,
    ) -> requests.Response | None:
        """Send one request; an answer outside `expect` (or no answer) is an error."""
        started = time.monotonic()
        try:
            response = send()
        except requests.RequestException as exc:
            self._record(what, f"{type(exc).__name__}", time.monotonic() - started, ok=False)
            return None
        ok = response.status_code in expect
        self._record(what, str(response.status_code), time.monotonic() - started, ok=ok)
        return response

    def _record(self, what: str, status: str, seconds: float, *, ok: bool) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if not ok:
                self.errors.append(f"{what}: {status} at {time.strftime('%H:%M:%S')}")

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def figures(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": len(self.errors),
            "statuses": dict(sorted(self.statuses.items())),
            "first_errors": self.errors[:10],
        }


def server_5xx(stack: LocalStack, since_line: int) -> int:
    return len(stack.access_log_5xx(since_line=since_line))
