"""What every fault scenario is handed and what it gives back (the runner prints the summary).

A scenario is `run(stack: Stack) -> Fault`: it drives the running stack from the outside
(HTTP on loopback, signals to its processes, its own PostgreSQL and Redis) and reports what it
measured. It never touches the shared PostgreSQL (5432) or Redis (6379).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Fault:
    name: str
    passed: bool
    figures: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "figures": self.figures}


class Stack(Protocol):
    """The stack one fault run starts: its own PostgreSQL cluster and Redis on spare ports,
    gunicorn (2 workers), a Celery worker and beat, all on config.settings.production."""

    base_url: str  # e.g. http://127.0.0.1:58000 (gunicorn)
    env: dict[str, str]  # the environment the processes run with (DATABASE_URL, REDIS_URL…)
    database_url: str  # the stack's own cluster
    redis_url: str  # the stack's own Redis

    def manage(self, *args: str, timeout: float = 120) -> str:
        """Run `manage.py <args>` with the stack's environment; its stdout."""

    def web_pids(self) -> list[int]:
        """gunicorn's worker processes (not the arbiter)."""

    def worker_pids(self) -> list[int]:
        """The Celery worker's processes."""

    def redis_stop(self) -> None: ...
    def redis_start(self) -> None: ...
    def postgres_restart(self, *, down_seconds: float = 10) -> None: ...
    def worker_kill(self) -> None:
        """SIGKILL the whole worker (its process group): no clean shutdown."""

    def worker_start(self) -> None: ...
