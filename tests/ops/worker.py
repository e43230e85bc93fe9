"""A real Celery worker (and, when asked, a real Redis of its own) for the fault tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from celery import current_app
from django.conf import settings
from kombu import pools

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def use_broker(url: str, *, eager: bool = False) -> None:
    """Point this process's Celery app at `url`, dropping pooled connections to the old one."""
    # By the names settings gave them (namespace CELERY): Celery 5.6 reads those before the
    # short names, so `conf.broker_url = url` alone would leave the old broker in force.
    current_app.conf["CELERY_BROKER_URL"] = current_app.conf["broker_url"] = url
    current_app.conf["CELERY_TASK_ALWAYS_EAGER"] = current_app.conf["task_always_eager"] = eager
    pools.reset()
    current_app._pool = None
    current_app.amqp._producer_pool = None


def wait_for(check: Callable[[], object], *, timeout: float = 60, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")


class RedisServer:
    """redis-server on a port of its own, to be stopped and started again by a test."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(  # noqa: S603
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, what="redis-server")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class Worker:
    """`celery -A config worker` against the test database and a given broker.

    As in production, a message a dead worker had taken comes back from the broker only after
    the visibility timeout (an hour here, so a test sees only what the recovery sweeps do),
    and PostgreSQL checks during a query that the worker is still there (every second here;
    the production settings ask for it every ten)."""

    def __init__(
        self,
        *,
        broker_url: str,
        log: Path,
        concurrency: int = 1,
        visibility_timeout: int = 3600,
        dead_client_check_ms: int = 1000,
    ) -> None:
        self.broker_url, self.log, self.concurrency = broker_url, log, concurrency
        self.visibility_timeout, self.dead_client_check_ms = (
            visibility_timeout,
            dead_client_check_ms,
        )
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        db = settings.DATABASES["default"]
        check = quote(f"-c client_connection_check_interval={self.dead_client_check_ms}")
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}?options={check}",
            "REDIS_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # Unacknowledged messages of a dead worker come back after this many seconds.
            "CELERY_VISIBILITY_TIMEOUT": str(self.visibility_timeout),
        }

    def beat(self, *, log: Path) -> Process:
        """A `celery beat` for this worker's broker and database: it runs the schedules the
        migrations made (the recovery sweeps every minute). Start it with `start_beat`."""
        argv = [sys.executable, "-m", "celery", "-A", "config", "beat", "--max-interval", "1"]
        return Process([*argv, "-l", "INFO"], env=self.env(), log=log)

    def start(self) -> None:
        ready_before = self.log.read_bytes().count(b" ready.") if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    # solo: one job at a time in the worker's own process (a kill hits
                    # the job); prefork when a test needs jobs side by side.
                    *(
                        ["--pool", "solo"]
                        if self.concurrency == 1
                        else ["--pool", "prefork", "--concurrency", str(self.concurrency)]
                    ),
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-l",
                    "INFO",
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(
            lambda: self.log.read_bytes().count(b" ready.") > ready_before,
            timeout=60,
            what=f"the worker to be ready (log: {self.log})",
        )

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no chance to acknowledge or requeue anything."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class Process:
    """Any of our processes (gunicorn, celery worker, celery beat) run natively, as
    docker-compose would run it, with its output in a log file."""

    def __init__(self, argv: list[str], *, env: dict[str, str], log: Path) -> None:
        self.argv, self.env, self.log = argv, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready: Callable[[], object], *, what: str) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                self.argv,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(ready, timeout=60, what=f"{what} (log: {self.log})")
        except AssertionError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_beat(beat: Process) -> None:
    beat.start(lambda: b"beat: Starting" in beat.log.read_bytes(), what="beat")
