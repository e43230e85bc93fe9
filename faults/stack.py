"""The stack one fault run starts and tears down: a PostgreSQL cluster and a Redis of its own
on spare loopback ports, then gunicorn (2 workers), a Celery worker and beat on
config.settings.production. Every process is in a process group of its own, so a kill takes
the whole of it; `close()` (also run at exit and on SIGTERM/SIGINT) ends them all and removes
the temporary directory."""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent


def _pg_bin() -> Path:
    """FAULTS_PG_BIN, else the newest PostgreSQL server installed the Debian way."""
    if os.environ.get("FAULTS_PG_BIN"):
        return Path(os.environ["FAULTS_PG_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
PYTHON = sys.executable
FORWARDED = {"X-Forwarded-Proto": "https"}  # production's session cookies are Secure


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], object], *, timeout: float, what: str, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            result = check()
            if result:
                return result
        time.sleep(every)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def _children(pid: int) -> list[int]:
    """Direct children of `pid`, read from /proc (no psutil in the lock file)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after the last one.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


@dataclass
class Login:
    role: str
    username: str
    password: str


class LocalStack:
    """Implements faults.model.Stack."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ipplan-faults-"))
        self.tmp.chmod(0o755)
        self.logs = self.tmp / "logs"
        self.media_root = self.tmp / "media"
        self.static_root = self.tmp / "static"
        self.pg_dir = self.tmp / "pg"
        self.pg_data = self.pg_dir / "data"
        self.redis_dir = self.tmp / "redis"
        for d in (self.logs, self.media_root, self.static_root, self.pg_dir, self.redis_dir):
            d.mkdir(parents=True)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            # initdb refuses root: the cluster belongs to the postgres OS user.
            shutil.chown(self.pg_dir, user="postgres", group="postgres")
        self.pg_port, self.redis_port, self.web_port = free_port(), free_port(), free_port()
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.database_url = f"postgres://postgres@127.0.0.1:{self.pg_port}/ipplan"
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.env = self._environment()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logins: list[Login] = []
        self.timings: dict[str, float] = {}
        self._closed = False
        self._pg_running = False

    # --- environment -------------------------------------------------------------------------

    def _environment(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "LOGNAME")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                "DJANGO_SECURE_HSTS_SECONDS": "0",
                "DJANGO_SECURE_HSTS_PRELOAD": "false",
                "DJANGO_CSRF_TRUSTED_ORIGINS": f"{self.base_url_https()}",
                "SITE_URL": self.base_url_https(),
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "CELERY_BROKER_URL": self.redis_url,
                "CELERY_RESULT_BACKEND": self.redis_url,
                "CACHE_URL": self.redis_url,
                "MEDIA_ROOT": str(self.media_root),
                "STATIC_ROOT": str(self.static_root),
                "FILE_STORAGE": "local",
                "API_TOKEN_RATE": "1000000/minute",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        return env

    def base_url_https(self) -> str:
        # The origin the browser flow claims (X-Forwarded-Proto: https) for CSRF's checks.
        return f"https://127.0.0.1:{self.web_port}"

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        atexit.register(self.close)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        self._timed("postgres", self._postgres_init)
        self._timed("redis", self.redis_start)
        self._timed("migrate", lambda: self.manage("migrate", "--noinput", timeout=300))
        self._timed("load_demo", self._load_demo)
        self._timed(
            "collectstatic",
            lambda: self.manage(
                "collectstatic",
                "--noinput",
                "-v",
                "0",
                timeout=300,
                settings="faults.static_settings",
            ),
        )
        self._timed("web", self.web_start)
        self._timed("worker", self.worker_start)
        self._timed("beat", self.beat_start)

    def _timed(self, name: str, step: Callable[[], object]) -> None:
        started = time.monotonic()
        step()
        self.timings[name] = round(time.monotonic() - started, 1)

    def _on_signal(self, signum: int, frame: object) -> None:
        self.close()
        raise SystemExit(128 + signum)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for name in list(self.processes):
            self._stop_process(name)
        if self._pg_running:
            with contextlib.suppress(Exception):
                self._pg_ctl("stop", "-m", "immediate", timeout=30)
        if os.environ.get("FAULTS_KEEP_TMP"):
            print(f"faults: kept {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _stop_process(self, name: str, *, sig: int = signal.SIGTERM, wait: float = 10) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        # Children that outlived their leader (a prefork child) are still in the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def _spawn(self, name: str, args: list[str], *, cwd: Path = ROOT) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and binaries
            args,
            cwd=cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own: killed whole
        )
        log.close()
        self.processes[name] = process
        return process

    def copy_logs(self, dest: Path) -> Path:
        """The logs as they are now (every process's, and PostgreSQL's) copied to `dest`."""
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(self.logs, dest)
        server = self.pg_dir / "server.log"
        if server.exists():
            shutil.copy(server, dest / "postgres.log")
        return dest

    def log_text(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # --- PostgreSQL ----------------------------------------------------------------------------

    def _as_postgres(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self.as_root else args

    def _pg_ctl(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(  # noqa: S603
            self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), *args]),
            check=True,
            capture_output=True,
            timeout=timeout,
        )

    def _postgres_init(self) -> None:
        subprocess.run(  # noqa: S603
            self._as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.pg_data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.postgres_start()
        with psycopg.connect(self.admin_dsn("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE ipplan")

    def admin_dsn(self, dbname: str = "ipplan") -> str:
        return f"host=127.0.0.1 port={self.pg_port} user=postgres dbname={dbname}"

    def postgres_start(self) -> None:
        options = (
            f"-p {self.pg_port} -k {self.pg_dir} -c listen_addresses=127.0.0.1"
            " -c max_connections=200 -c shared_buffers=128MB -c fsync=off"
        )
        self._pg_ctl(
            "start", "-w", "-t", "60", "-l", str(self.pg_dir / "server.log"), "-o", options
        )
        self._pg_running = True

    def postgres_answers(self) -> bool:
        try:
            with psycopg.connect(self.admin_dsn(), connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False

    def postgres_stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast", "-w", "-t", "60")
        self._pg_running = False

    def postgres_restart(self, *, down_seconds: float = 10) -> None:
        self.postgres_stop()
        time.sleep(down_seconds)
        self.postgres_start()

    @contextlib.contextmanager
    def db(self, *, autocommit: bool = True) -> Iterator[psycopg.Connection]:
        with psycopg.connect(self.admin_dsn(), autocommit=autocommit) as conn:
            yield conn

    def sql(self, query: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[tuple]:
        with self.db() as conn:
            cur = conn.execute(query, params)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    # --- Redis ---------------------------------------------------------------------------------

    def redis_start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        # Append-only file in the temp dir: like a production Redis, a stop keeps what was
        # queued (the messages the outbox already handed over).
        self._spawn(
            "redis",
            [
                binary,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.redis_dir),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--daemonize",
                "no",
            ],
        )
        wait_for(self.redis_answers, timeout=15, what="redis-server")

    def redis_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def redis_stop(self) -> None:
        self._stop_process("redis")

    # --- Django --------------------------------------------------------------------------------

    def manage(self, *args: str, timeout: float = 120, settings: str | None = None) -> str:
        env = dict(self.env)
        if settings:
            env["DJANGO_SETTINGS_MODULE"] = settings
        result = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(
                f"manage.py {' '.join(args)[:80]} failed ({result.returncode}):\n"
                f"{result.stderr[-3000:]}"
            )
        return result.stdout

    def shell(self, code: str, *, timeout: float = 120) -> str:
        """Python run by `manage.py shell -c` in the stack's environment; its stdout."""
        return self.manage("shell", "-c", code, timeout=timeout)

    def _load_demo(self) -> None:
        out = self.manage("load_demo", timeout=600, settings="faults.demo_settings")
        for line in out.splitlines():
            if line.startswith("DEMO-LOGIN "):
                _tag, role, username, password = line.split(maxsplit=3)
                self.logins.append(Login(role=role, username=username, password=password))
        if not self.logins:
            raise RuntimeError(f"load_demo printed no logins:\n{out[-2000:]}")

    def login_for(self, username: str) -> Login:
        return next(login for login in self.logins if login.username == username)

    def web_start(self) -> None:
        process = self._spawn(
            "web",
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--timeout",
                "30",
                "--access-logfile",
                str(self.logs / "access.log"),
                "--access-logformat",
                # The request line as sent (percent-encoded), not the decoded path: a fuzzed
                # path decodes to any character, a newline among them, and the log is read a
                # request a line (`_access_log`).
                '%(s)s "%(r)s" %(M)s',
            ],
        )
        self.web_arbiter = process.pid
        wait_for(
            lambda: requests.get(f"{self.base_url}/healthz", timeout=2).status_code == 200,
            timeout=60,
            what="gunicorn",
        )
        wait_for(lambda: len(self.web_pids()) >= 2, timeout=30, what="gunicorn's workers")

    def web_pids(self) -> list[int]:
        return _children(self.web_arbiter)

    def access_log_lines(self) -> int:
        return len(self._access_log())

    def access_log_5xx(self, *, since_line: int = 0) -> list[str]:
        return [line for line in self._access_log()[since_line:] if line[:1] == "5"]

    def _access_log(self) -> list[str]:
        """gunicorn's access log, a request a line (status first). Split at newlines only,
        which the logged request line cannot hold: `str.splitlines` also breaks at other
        characters (\\x1c-\\x1e, \\x85, \\u2028), and the piece after one was read as a line of
        its own, a 5xx when it began with a 5. A last line not yet ended is left for the
        next read."""
        path = self.logs / "access.log"
        if not path.exists():
            return []
        return path.read_text(errors="replace").split("\n")[:-1]

    def worker_start(self) -> None:
        ready = self.log_text("worker").count(" ready.")
        self._spawn(
            "worker",
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--hostname",
                f"faults-{secrets.token_hex(3)}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        wait_for(
            lambda: self.log_text("worker").count(" ready.") > ready,
            timeout=60,
            what="the Celery worker",
        )

    def worker_pids(self) -> list[int]:
        process = self.processes.get("worker")
        if process is None or process.poll() is not None:
            return []
        return [process.pid, *_descendants(process.pid)]

    def worker_kill(self) -> None:
        process = self.processes.pop("worker", None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def app_stop(self) -> None:
        """Web, worker and beat stopped (cleanly), as before a restore."""
        for name in ("beat", "worker", "web"):
            self._stop_process(name, wait=20)

    def app_start(self) -> None:
        self.web_start()
        self.worker_start()
        self.beat_start()

    def beat_start(self) -> None:
        self._spawn(
            "beat",
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--pidfile",
                str(self.tmp / "beat.pid"),
            ],
        )

    # --- HTTP ----------------------------------------------------------------------------------

    def session(self) -> requests.Session:
        """A browser-like session: it claims https (the proxy's header) so Secure cookies
        and CSRF's referer check work over plain loopback HTTP."""
        s = requests.Session()
        s.headers.update(FORWARDED)
        s.headers["Referer"] = f"{self.base_url_https()}/"
        s.cookies = _LoopbackJar()
        return s


class _LoopbackJar(requests.cookies.RequestsCookieJar):
    """requests sends Secure cookies only over https: the stack speaks http on loopback (the
    proxy's header says https), so the flag is dropped as a cookie is stored."""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> None:
        cookie.secure = False
        super().set_cookie(cookie, *args, **kwargs)
