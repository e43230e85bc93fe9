"""National-scale benchmark on the scale data, cache off first.

Two tables, in this order in bench/results.json:

- `"table": "cache_off"`: every page and API list built from the database (the page cache
  switched off with PAGE_CACHE_SECONDS=0 in the server), p50/p95 of each, against its SQL
  floor (the request's own queries replayed directly, plus the empty view) and against the
  empty view (/healthz) itself.
- `"table": "cache_effect"`: the mixed workload (wrk, 20 connections, the seven pages) with
  ~2% writes (task status changes and report saves posted through the real forms with CSRF,
  from a writer thread), run against a server with the cache off and one with it on.

Every server's workers' peak RSS (VmHWM) is recorded, and so is the peak memory of the
process while it runs each job (nightly rollup, reminders pass). The meeting pack runs in a
Celery worker and is timed as before.

Run with `make bench` (after the importer timings). The scale data is generated into the
`ipplan_scale` database when it is missing. Results are printed and written to
bench/results.json, one object per measurement.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ipplan_scale")
REDIS = "redis://127.0.0.1:6379/11"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = DB_URL
os.environ["REDIS_URL"] = REDIS
# Jobs are published to Redis as in production, not run in this process: the reminders pass
# is measured as the beat job runs it. The bench's Redis database is emptied afterwards.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "False"
# One key for this process and the server it starts: sessions made here must verify there.
SECRET = "bench-only-" + "k" * 50
os.environ["DJANGO_SECRET_KEY"] = SECRET

import django  # noqa: E402
import redis  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from agencies import rules  # noqa: E402
from agencies.models import Agency, Membership, Role, Side  # noqa: E402
from api.tokens import token_issue  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from dashboards.models import Rollup  # noqa: E402
from dashboards.rollups import rollup_build, trend_points_write  # noqa: E402
from devdata.scale import SCALE_PREFIX, scale_data_exists, scale_data_generate  # noqa: E402
from meetings.models import MeetingPack, PackPart  # noqa: E402
from meetings.packs.services import pack_request  # noqa: E402
from notifications.reminders import reminders_send  # noqa: E402
from ops.page_cache import ROLLUP_VERSION_KEY, data_version_bump  # noqa: E402
from plans.models import Plan  # noqa: E402
from reports.models import ProgressReport, ReportingPeriod  # noqa: E402
from reports.selectors import outstanding_reports  # noqa: E402
from security.sessions import SessionStore  # noqa: E402
from tasks.models import Task  # noqa: E402

REQUESTS = 100
WORKLOAD_SECONDS = 20
CONCURRENCY = 20
WRITE_SHARE = 0.02
TALLY_EVERY = 10
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# BENCH_PAGES_ONLY=1: the two tables alone (no rollup, pack or reminders timings), to iterate.
PAGES_ONLY = os.environ.get("BENCH_PAGES_ONLY") == "1"


def ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
    }


def timed(action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def ensure_data() -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    if scale_data_exists():
        return {"name": "generate_scale_data", "note": "already present"}
    seconds, counts = timed(lambda: scale_data_generate(seed=1))
    return {"name": "generate_scale_data", "seconds": round(seconds, 1), **vars(counts)}


# --- the people and objects the pages are measured for ---------------------------------------


def actors() -> dict[str, Any]:
    plans = Plan.objects.filter(code__startswith=SCALE_PREFIX)
    busy = (
        Agency.objects.filter(side=Side.LOCAL, responsibilities__task__plan__in=plans)
        .annotate(n=Count("responsibilities"))
        .order_by("-n", "pk")
        .first()
    )
    liaison = Membership.objects.filter(agency=busy, role=Role.LIAISON).first()
    if liaison is None:  # the busiest agency gets a liaison if the dice gave it none
        user = get_user_model().objects.create(username=f"{SCALE_PREFIX}busy-liaison")
        liaison = Membership.objects.create(user=user, agency=busy, role=Role.LIAISON)
    nipa = Membership.objects.filter(agency__side=Side.NIPA, role=Role.VIEWER).first()
    plan = plans.order_by("code").first()
    task = Task.objects.filter(plan=plan).order_by("number").first()
    nipa_dept = nipa.agency
    coordinator = Membership.objects.filter(
        agency=plan.lead_agency, role=Role.COORDINATOR
    ).first() or Membership.objects.create(
        user=get_user_model().objects.get_or_create(username=f"{SCALE_PREFIX}bench-coord")[0],
        agency=plan.lead_agency,
        role=Role.COORDINATOR,
    )
    return {
        "liaison": liaison.user,
        "nipa": nipa.user,
        "coordinator": coordinator.user,
        "plan": plan,
        "task": task,
        "nipa_dept": nipa_dept,
        "busy_agency": busy,
    }


def session_for(user: Any) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "security.backends.AccountBackend"  # what a sign-in stores
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def pages(who: dict[str, Any]) -> list[dict[str, Any]]:
    """The seven pages of the mixed workload, then the API lists as the two other roles (a
    coordinator of the plan's lead agency and a NIPA department's viewer): the visibility
    rule differs for each."""
    liaison_token = token_issue(user=who["liaison"], name="bench", issued_by=None)[1]
    coordinator_token = token_issue(user=who["coordinator"], name="bench", issued_by=None)[1]
    nipa_token = token_issue(user=who["nipa"], name="bench", issued_by=None)[1]
    nipa, liaison = who["nipa"], who["liaison"]
    busy, plan = who["busy_agency"].pk, who["plan"].pk
    return [
        {"name": "page: 我的任务 (busy liaison)", "path": "/", "user": liaison},
        {"name": "page: task", "path": f"/tasks/{who['task'].pk}/", "user": nipa},
        {"name": "page: plan dashboard", "path": f"/dashboards/plans/{who['plan'].pk}/",
         "user": nipa},
        {"name": "page: national overview", "path": "/dashboards/", "user": nipa},
        {"name": "page: NIPA department duties",
         "path": f"/dashboards/agencies/{who['nipa_dept'].pk}/", "user": nipa},
        {"name": "api: task list", "path": f"/api/v1/tasks/?agency={busy}", "token": liaison_token},
        {"name": "api: report list", "path": f"/api/v1/reports/?agency={busy}",
         "token": liaison_token},
        {"name": "api: task list (coordinator, plan)", "path": f"/api/v1/tasks/?plan={plan}",
         "token": coordinator_token, "extra": True},
        {"name": "api: report list (coordinator, plan)",
         "path": f"/api/v1/reports/?plan={plan}", "token": coordinator_token, "extra": True},
        {"name": "api: task list (NIPA, plan)", "path": f"/api/v1/tasks/?plan={plan}",
         "token": nipa_token, "extra": True},
        {"name": "api: report list (NIPA, plan)", "path": f"/api/v1/reports/?plan={plan}",
         "token": nipa_token, "extra": True},
    ]  # fmt: skip


def headers_for(page: dict[str, Any], sessions: dict[int, str]) -> dict[str, str]:
    if "token" in page:
        return {"Authorization": f"Bearer {page['token']}"}
    return {"Cookie": f"sessionid={sessions[page['user'].pk]}"}


Statements = list[tuple[str, Any]]


def query_profile(page: dict[str, Any]) -> tuple[int, Statements, Statements]:
    """Queries of one request in this process, as the workers run them (each statement with
    its parameters: bound on the server, prepared, and planned again on every run where
    PostgreSQL keeps a custom plan for it), and the older form with the values written into
    the SQL text (a statement with no parameters has one plan, kept: it leaves out the
    planning the workers pay). Both are replayed beside the page's own requests
    (`cache_off_table`), so the floor and the page are timed on the same machine at the same
    moments."""
    client = Client()
    kwargs = {}
    if "token" in page:
        kwargs["HTTP_AUTHORIZATION"] = f"Bearer {page['token']}"
    else:
        client.force_login(page["user"])
    client.get(page["path"], **kwargs)  # warm caches the way a running server has them
    bound: Statements = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        bound.append((sql, params))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(record):
        response = client.get(page["path"], **kwargs)
    if response.status_code != 200:
        raise RuntimeError(f"{page['path']} answered {response.status_code}")
    literal: Statements = []
    for q in captured.captured_queries:
        sql = q["sql"]
        if sql.startswith("DECLARE"):  # a server-side cursor: time its query
            sql = sql.split(" FOR ", 1)[1]
        literal.append((sql, None))
    return len(captured.captured_queries), bound, literal


def _replay(statements: Statements) -> float:
    """Seconds to run `statements` once, in order, fetching every row."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            if sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "FETCH", "CLOSE")):
                continue
            cursor.execute(sql, params)
            if cursor.description:
                cursor.fetchall()
    return time.perf_counter() - started


def _warm_replays(statements: Statements) -> None:
    """psycopg prepares a statement after five runs (config/settings/base.py), and
    PostgreSQL plans a prepared statement with its values five times before it chooses
    between its generic plan and planning again each time, as it has long done for a running
    worker: ten replays before any is timed."""
    for _ in range(10):
        _replay(statements)


# --- the server --------------------------------------------------------------------------------


def server_env(static_root: str, *, cache: bool) -> dict[str, str]:
    """Production settings; `cache` False switches the page cache off (PAGE_CACHE_SECONDS=0),
    which also builds the overview's trend on every request."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": DB_URL,
        "REDIS_URL": REDIS,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "API_TOKEN_RATE": "1000000/minute",
        "PAGE_CACHE_SECONDS": "120" if cache else "0",
    }


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            if get(port, "/healthz", {})[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def get(port: int, path: str, headers: dict[str, str], conn: Any = None) -> tuple[int, float]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request("GET", path, headers={"X-Forwarded-Proto": "https", **headers})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    if own:
        conn.close()
    return response.status, elapsed


def wrk(
    port: int,
    paths: list[tuple[str, dict[str, str]]],
    seconds: int = WORKLOAD_SECONDS,
    tally: str | None = None,
) -> dict[str, Any]:
    """The mixed workload: wrk cycles through the pages with their credentials. With
    `tally`, each wrk thread appends one byte to that file per TALLY_EVERY responses, so a
    writer can keep pace with the reads actually served."""
    if shutil.which("wrk") is None:
        return {"error": "wrk is not installed (apt-get install wrk)"}
    lines = ["requests = {}"]
    for i, (path, headers) in enumerate(paths, start=1):
        header_lua = ", ".join(
            f'["{k}"] = "{v}"' for k, v in {"X-Forwarded-Proto": "https", **headers}.items()
        )
        lines.append(f'requests[{i}] = wrk.format("GET", "{path}", {{{header_lua}}})')
    lines += [
        "local n = 0",
        "request = function() n = n % #requests + 1; return requests[n] end",
    ]  # fmt: skip
    if tally:
        lines += [
            "local served = 0",
            "response = function(status, headers, body)",
            "  served = served + 1",
            f"  if served % {TALLY_EVERY} == 0 then",
            f'    local f = io.open("{tally}", "a"); f:write("x"); f:close()',
            "  end",
            "end",
        ]
    lines += [
        "done = function(summary, latency, requests)",
        '  io.write(string.format("JSON {\\"requests\\": %d, \\"errors\\": %d, "'
        ' .. "\\"non2xx\\": %d, \\"p50_ms\\": %.1f, \\"p95_ms\\": %.1f}\\n",'
        " summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write"
        " + summary.errors.timeout, summary.errors.status, latency:percentile(50) / 1000,"
        " latency:percentile(95) / 1000))",
        "end",
    ]  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines))
    wrk_bin = shutil.which("wrk") or "wrk"
    command = [wrk_bin, "-t", "2", "-c", str(CONCURRENCY), "-d", f"{seconds}s"]
    command += ["-s", script.name, f"http://127.0.0.1:{port}"]
    output = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if "JSON " not in output.stdout:
        return {"error": (output.stdout + output.stderr)[-500:]}
    result = json.loads(output.stdout.split("JSON ", 1)[1].splitlines()[0])
    result["requests_per_s"] = round(result["requests"] / seconds, 1)
    return result


def workers_peak_rss(server: subprocess.Popen[bytes]) -> list[float]:
    """Peak RSS (VmHWM, MB) of each gunicorn worker, read before the server stops."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [peak_rss_mb(int(pid)) for pid in children]


def peak_rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def with_peak_memory(action: Any) -> tuple[Any, float]:
    """`action()` and this process's peak RSS while it ran (MB): the peak is reset first
    (Linux clear_refs 5), so what the bench did before does not count."""
    Path("/proc/self/clear_refs").write_text("5")
    result = action()
    return result, peak_rss_mb()


# --- writes in the mixed workload ------------------------------------------------------------


class Writer(threading.Thread):
    """Posts through the real forms while wrk reads, alternately: a task status change
    (on_track or at_risk, whichever it is not, as a coordinator, with the version the form
    would carry) and a draft report save (as the liaison), one write each time the reads
    served make the writes fall below WRITE_SHARE of all requests."""

    CSRF = "b" * 32  # the cookie secret; Django accepts it unmasked in the form as well

    def __init__(self, port: int, tally: str, writes: dict[str, Any]) -> None:
        super().__init__(daemon=True)
        self.port, self.tally, self.writes = port, tally, writes
        self.stop = threading.Event()
        self.samples: list[float] = []
        self.errors = 0

    def due(self, posted: int) -> bool:
        """Whether the writes so far are below WRITE_SHARE of all requests: the reads served
        are read from wrk's tally, so the share holds however fast the server answers."""
        reads = Path(self.tally).stat().st_size * TALLY_EVERY
        return posted < WRITE_SHARE * (reads + posted)

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        n = 0
        while not self.stop.wait(0.02):
            if not self.due(n):
                continue
            n += 1
            path, cookie, form = self.status_form(n) if n % 2 else self.report_form(n)
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.CSRF})
            started = time.perf_counter()
            conn.request("POST", path, body=body.encode(), headers={
                "X-Forwarded-Proto": "https",
                "Referer": f"https://127.0.0.1:{self.port}{path}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={cookie}; csrftoken={self.CSRF}",
            })  # fmt: skip
            response = conn.getresponse()
            response.read()
            self.samples.append(time.perf_counter() - started)
            if response.status != 302:
                self.errors += 1

    def status_form(self, n: int) -> tuple[str, str, dict[str, Any]]:
        task = self.writes["task"]
        version, current = Task.objects.values_list("version", "status").get(pk=task.pk)
        # the other of the two: setting the status a task already has is refused (400)
        status = "at_risk" if current == "on_track" else "on_track"
        form = {"status": status, "reason": f"bench{n}", "version": version}
        return f"/tasks/{task.pk}/status/", self.writes["coordinator_session"], form

    def report_form(self, n: int) -> tuple[str, str, dict[str, Any]]:
        report = self.writes["report"]
        version = ProgressReport.objects.values_list("version", flat=True).get(pk=report.pk)
        path = f"/reports/write/{report.task_id}/{report.agency_id}/{report.period_id}/"
        form = {"progress": f"bench{n}", "version": version, "action": "save"}
        return path, self.writes["liaison_session"], form


def write_targets(who: dict[str, Any]) -> dict[str, Any]:
    """The task a coordinator of its plan changes, and a draft the busy liaison saves."""
    task = who["task"]
    coordinator = next(
        (m.user for m in Membership.objects.filter(agency=task.plan.lead_agency,
                                                    role=Role.COORDINATOR)
         if rules.can_edit_task(m.user, task)),
        None,
    )  # fmt: skip
    if coordinator is None:
        user = get_user_model().objects.get_or_create(username=f"{SCALE_PREFIX}bench-coord")[0]
        Membership.objects.get_or_create(user=user, agency=task.plan.lead_agency,
                                         role=Role.COORDINATOR)  # fmt: skip
        coordinator = user
    liaison = who["liaison"]
    report = next(
        r for r in ProgressReport.objects.filter(agency=who["busy_agency"], state="draft")
        .select_related("task__plan")[:50]
        if rules.can_write_report(liaison, r.task, r.agency_id)
    )  # fmt: skip
    return {"task": task, "report": report,
            "coordinator_session": session_for(coordinator),
            "liaison_session": session_for(liaison)}  # fmt: skip


def mixed_with_writes(
    port: int, paths: list[tuple[str, dict[str, str]]], writes: dict[str, Any]
) -> dict[str, Any]:
    """wrk reads while the writer keeps the writes at WRITE_SHARE of all requests (paced on
    the reads wrk has been answered, not on a rate guessed beforehand). The share reported
    is of all requests of the run; requests_per_s counts reads and writes."""
    with tempfile.NamedTemporaryFile(suffix=".tally", delete=False) as handle:
        tally = handle.name
    writer = Writer(port, tally, writes)
    writer.start()
    result = wrk(port, paths, tally=tally)
    writer.stop.set()
    writer.join(30)
    Path(tally).unlink(missing_ok=True)
    if "error" in result:
        return result
    posted = len(writer.samples)
    result["writes"] = posted
    result["write_errors"] = writer.errors
    result["write_share_pct"] = round(100 * posted / max(result["requests"] + posted, 1), 2)
    result["requests_per_s"] = round((result["requests"] + posted) / WORKLOAD_SECONDS, 1)
    if posted:
        result.update({f"write_{k}": v for k, v in ms(writer.samples).items()})
    return result


# --- jobs --------------------------------------------------------------------------------------


FLOOR_SQL = """
    WITH owed AS (
        SELECT t.plan_id, t.section_id, r.task_id, r.agency_id
        FROM tasks_responsibility r
        JOIN tasks_task t ON t.id = r.task_id
        JOIN plans_plan pl ON pl.id = t.plan_id
        WHERE r.side = 'local' OR pl.nipa_reports_required
    ), expected AS (
        SELECT o.plan_id, o.section_id, o.task_id, o.agency_id, p.id AS period_id, p.due_on
        FROM owed o JOIN reports_reportingperiod p ON p.plan_id = o.plan_id AND p.opens_on <= %s
    )
    SELECT e.plan_id, e.section_id, e.agency_id, count(*) AS expected,
           count(rep.id) FILTER (WHERE rep.state <> 'draft') AS submitted,
           count(rep.id) FILTER (WHERE rep.state <> 'draft' AND rep.is_late) AS late,
           count(*) FILTER (WHERE e.due_on < %s AND (rep.id IS NULL OR rep.state = 'draft'))
               AS missing
    FROM expected e
    LEFT JOIN reports_progressreport rep
      ON rep.task_id = e.task_id AND rep.agency_id = e.agency_id AND rep.period_id = e.period_id
    GROUP BY GROUPING SETS ((e.plan_id), (e.plan_id, e.section_id), (e.plan_id, e.agency_id));
"""
TASKS_FLOOR_SQL = """
    SELECT t.plan_id, t.section_id, r.agency_id, t.status, count(DISTINCT t.id)
    FROM tasks_task t JOIN tasks_responsibility r ON r.task_id = t.id
    GROUP BY GROUPING SETS ((t.plan_id, t.status), (t.plan_id, t.section_id, t.status),
                            (t.plan_id, r.agency_id, t.status));
"""


def rollup_versus_group_by(as_of: dt.date) -> dict[str, Any]:
    """The nightly rollup beside the same numbers (reports expected / submitted / late /
    missing and tasks by status, per plan, section and agency) from plain GROUP BY queries."""
    rollup_build(as_of=as_of)  # warm: the measured run is a nightly re-run
    seconds, counts = timed(lambda: rollup_build(as_of=as_of))

    def plain() -> None:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [as_of, as_of])
            cursor.fetchall()
            cursor.execute(TASKS_FLOOR_SQL)
            cursor.fetchall()

    plain()
    floor, _ = timed(plain)
    return {
        "name": "job: nightly rollup (all plans)",
        "seconds": round(seconds, 2),
        "floor_seconds": round(floor, 2),
        "ratio": round(seconds / floor, 2),
        **counts,
    }


TREND_HISTORY_DAYS = 90


def rollup_history(as_of: dt.date) -> int:
    """Ninety nightly plan rows per plan, as a system in use for a quarter has: the national
    overview draws its trend from them. Earlier days repeat `as_of`'s figures."""
    columns = [f.column for f in Rollup._meta.concrete_fields if f.column not in ("id", "as_of")]
    listed = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO dashboards_rollup ({listed}, as_of)"  # noqa: S608 - model column names
            f" SELECT {listed}, %s::date - k FROM dashboards_rollup"
            f" CROSS JOIN generate_series(1, %s) AS k"
            f" WHERE batch = 'nightly' AND scope = 'plan' AND as_of = %s"
            f" ON CONFLICT DO NOTHING",
            [as_of, TREND_HISTORY_DAYS - 1, as_of],
        )
        added = cursor.rowcount
        cursor.execute("ANALYZE dashboards_rollup")  # as autovacuum would after such a load
    # The overview's trend reads the per-province points the rollup writes from its plan rows.
    trend_points_write(since=as_of - dt.timedelta(days=TREND_HISTORY_DAYS - 1), until=as_of)
    data_version_bump(ROLLUP_VERSION_KEY)  # nightly rows written behind the rollup's back
    return added


def reminders(as_of: dt.date) -> dict[str, Any]:
    """A pass on a day with ~61,000 outstanding reports, as one digest per person (and agency
    robot) and channel, jobs published to the broker; then everything it wrote is removed, so
    the next run measures the same pass. `messages` ≤ `recipients` × channels."""
    outstanding = _outstanding_count(as_of)
    seconds, counts = timed(lambda: reminders_send(as_of=as_of))
    published = redis.Redis.from_url(REDIS).llen("celery")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_digestentry, notifications_digest,"
            " notifications_notification, notifications_delivery, ops_outboxmessage"
        )
    redis.Redis.from_url(REDIS).flushdb()
    return {
        "name": "job: reminders pass (digests)",
        "seconds": round(seconds, 2),
        "as_of": str(as_of),
        "outstanding": outstanding,
        "jobs_published": published,
        **counts,
    }


def _outstanding_count(as_of: dt.date) -> int:
    """Owed reports of periods open by `as_of` with nothing submitted: the reminders' rule."""
    periods = ReportingPeriod.objects.filter(opens_on__lte=as_of).values_list("pk", flat=True)
    return len(outstanding_reports(period_ids=list(periods)))


def meeting_pack(plan: Plan) -> dict[str, Any]:
    """The pack as the secretary gets it: requested, then built by a Celery worker of two
    processes (the gathering job, then one job per format); wall time until it is done, and
    each format's own time from its job."""
    user = get_user_model().objects.get_or_create(username=f"{SCALE_PREFIX}bench-secretary")[0]
    Membership.objects.get_or_create(user=user, agency=plan.lead_agency, role=Role.SECRETARY)
    worker = start_worker()
    try:
        started = time.perf_counter()
        pack = pack_request(actor=user, plan=plan, meeting=None, formats=["docx", "pdf", "xlsx"])
        while not MeetingPack.objects.filter(pk=pack.pk, state__in=["done", "failed"]).exists():
            if time.perf_counter() - started > 300:
                raise RuntimeError("the meeting pack was not built in 5 minutes")
            time.sleep(0.05)
        wall = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)
    pack.refresh_from_db()
    if pack.state != "done":
        raise RuntimeError(f"the meeting pack failed: {pack.error}")
    parts = {p.format: p for p in PackPart.objects.filter(pack=pack)}
    first = min(p.started_at for p in parts.values())
    result = {"name": "meeting pack (30-task plan, worker of 2 processes)",
              "tasks": Task.objects.filter(plan=plan).count(),
              "gather_seconds": round((first - pack.started_at).total_seconds(), 2)}  # fmt: skip
    for fmt, part in sorted(parts.items()):
        result[f"{fmt}_seconds"] = round((part.finished_at - part.started_at).total_seconds(), 2)
    result["seconds"] = round(wall, 2)
    for name in (pack.docx, pack.pdf, pack.xlsx):
        name.delete(save=False)
    pack.delete()
    return result


def start_worker() -> subprocess.Popen[bytes]:
    """celery worker against the scale database and the bench's Redis, as deployed."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
         "--concurrency", "2", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env={**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false"},
    )  # fmt: skip
    for _ in range(300):
        if celery_app.control.ping(timeout=0.2):
            return worker
    worker.terminate()
    raise RuntimeError("the celery worker did not start")


def main() -> None:
    results = [ensure_data()]
    who = actors()
    today = dt.date.today()
    print("data:", results[0], flush=True)
    if not PAGES_ONLY:
        rollup, peak = with_peak_memory(lambda: rollup_versus_group_by(today))
        results.append({**rollup, "peak_rss_mb": peak})
        print("rollup:", results[-1], flush=True)
    elif not Rollup.objects.filter(as_of=today, batch="nightly").exists():
        rollup_build(as_of=today)  # a fresh database: the overview needs tonight's rows
    print("history rows added:", rollup_history(today), flush=True)
    measured = pages(who)
    sessions = {p["user"].pk: session_for(p["user"]) for p in measured if "user" in p}
    writes = write_targets(who)
    # The mixed workload cycles through the seven pages; the other roles' lists are in the
    # cache-off table only.
    paths = [(p["path"], headers_for(p, sessions)) for p in measured if not p.get("extra")]
    runs = [server_run(measured, sessions, paths, writes) for _ in range(RUNS)]
    results += spread(runs)
    if not PAGES_ONLY:
        results.append(meeting_pack(who["plan"]))
        sent, peak = with_peak_memory(lambda: reminders(dt.date(2024, 7, 20)))
        results.append({**sent, "peak_rss_mb": peak})
    report(results)


def server_run(
    measured: list[dict[str, Any]],
    sessions: dict[int, str],
    paths: list[tuple[str, dict[str, str]]],
    writes: dict[str, Any],
) -> list[dict[str, Any]]:
    """One run of both tables: a cache-off server (every page and list, then the mixed
    workload with writes, the empty view under the same load, the workers' peak RSS), then a
    server with the cache on (the mixed workload, then the same reads with no writes: the
    cache's ceiling, then its workers' peak RSS)."""
    # In this process (test settings) the page cache is off: each profile is the SQL of a
    # page built from the database, the overview's trend query included.
    profiles = {p["name"]: query_profile(p) for p in measured}
    port, rows = 8731, []
    with tempfile.TemporaryDirectory() as static_root:
        server = start_server(server_env(static_root, cache=False), port)
        try:
            rows += cache_off_table(port, measured, sessions, profiles)
            mixed = mixed_with_writes(port, paths, writes)
            rows.append({"table": "cache_effect", "name": "mixed workload, cache off", **mixed})
            empty_load = wrk(port, [("/healthz", {})])
            rows.append({"table": "cache_effect", "name": "empty view under the same load",
                         **empty_load})  # fmt: skip
            rows.append({"table": "cache_effect", "name": "web workers, cache off",
                         "peak_rss_mb": workers_peak_rss(server)})  # fmt: skip
        finally:
            server.terminate()
            server.wait(20)
        server = start_server(server_env(static_root, cache=True), port)
        try:
            mixed = mixed_with_writes(port, paths, writes)
            rows.append({"table": "cache_effect", "name": "mixed workload, cache on", **mixed})
            # The ceiling the cache could reach: the same reads with no write at all, so every
            # request after the first of each page is a hit.
            hits = wrk(port, paths)
            name = "mixed workload, cache on, no writes (hits only)"
            rows.append({"table": "cache_effect", "name": name, **hits})
            rows.append({"table": "cache_effect", "name": "web workers, cache on",
                         "peak_rss_mb": workers_peak_rss(server)})  # fmt: skip
        finally:
            server.terminate()
            server.wait(20)
    for row in rows:
        print(f"  run: {row['name']}: p95={row.get('p95_ms')} rps={row.get('requests_per_s')}",
              flush=True)  # fmt: skip
    return rows


SPREAD_KEYS = ("p50_ms", "p95_ms", "ratio_to_floor", "floor_ms", "floor_p95_ms",
               "ratio_to_floor_p95", "ratio_to_literal_floor", "requests_per_s", "errors",
               "write_share_pct", "write_p95_ms")  # fmt: skip


def spread(runs: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per measurement: the figures of the median run (by p95, or by requests/s for
    a workload) and, for each key of SPREAD_KEYS, the list over all runs (`<key>_runs`)."""
    rows = []
    for i, first in enumerate(runs[0]):
        same = [run[i] for run in runs]
        rank = "requests_per_s" if "requests_per_s" in first else "p95_ms"
        ordered = sorted(same, key=lambda r: r.get(rank) or 0)
        row = {**ordered[len(ordered) // 2], "runs": len(same)}
        for key in SPREAD_KEYS:
            if key in first:
                row[f"{key}_runs"] = [r.get(key) for r in same]
        if "peak_rss_mb" in first:
            row["peak_rss_mb_runs"] = [r["peak_rss_mb"] for r in same]
        rows.append(row)
    return rows


def cache_off_table(
    port: int,
    measured: list[dict[str, Any]],
    sessions: dict[int, str],
    profiles: dict[str, tuple[int, Statements, Statements]],
) -> list[dict[str, Any]]:
    """Each page and API list built on every request, and its floor: its own SQL replayed
    directly plus the empty view (/healthz). The floor is taken in rounds with the page: each
    round times the empty view, the page's SQL replayed (bound, then literal) and the page,
    one after the other on one connection, so a machine that slows or speeds up between
    rounds moves both alike (measured once per run beforehand, the floor had moved by up to
    x4 between runs of one page). The ratio is the page's p95 over the floor's p50, as
    before; the floor's p95 and the page's p95 over it are written beside."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    empty = ms([get(port, "/healthz", {}, conn)[1] for _ in range(REQUESTS)])
    rows = [{"table": "cache_off", "name": "empty view (/healthz)", **empty}]
    for page in measured:
        headers = headers_for(page, sessions)
        queries, bound, literal = profiles[page["name"]]
        _warm_replays(bound)
        _warm_replays(literal)
        for _ in range(5):  # the first few warm the workers
            _check(get(port, page["path"], headers, conn)[0], page)
        pages, sql, floors, literal_floors = [], [], [], []
        for _ in range(REQUESTS):
            empty_seconds = get(port, "/healthz", {}, conn)[1]
            sql.append(_replay(bound))
            floors.append(empty_seconds + sql[-1])
            literal_floors.append(empty_seconds + _replay(literal))
            status, seconds = get(port, page["path"], headers, conn)
            _check(status, page)
            pages.append(seconds)
        timing, floor, literal_floor = ms(pages), ms(floors), ms(literal_floors)
        rows.append({"table": "cache_off", "name": page["name"], **timing, "queries": queries,
                     "sql_ms": round(statistics.median(sql) * 1000, 1),
                     "floor_ms": floor["p50_ms"], "floor_p95_ms": floor["p95_ms"],
                     "ratio_to_floor": round(timing["p95_ms"] / floor["p50_ms"], 2),
                     "ratio_to_floor_p95": round(timing["p95_ms"] / floor["p95_ms"], 2),
                     "ratio_to_empty": round(timing["p95_ms"] / empty["p95_ms"], 1),
                     # The replay before the tenth round (values in the SQL text, no planning):
                     # kept beside the floor, so both can be read.
                     "literal_floor_ms": literal_floor["p50_ms"],
                     "ratio_to_literal_floor": round(timing["p95_ms"] / literal_floor["p50_ms"],
                                                     2),
                     })  # fmt: skip
    conn.close()
    return rows


def _check(status: int, page: dict[str, Any]) -> None:
    if status != 200:
        raise RuntimeError(f"{page['path']} answered {status} under gunicorn")


def report(results: list[dict[str, Any]]) -> None:
    """The cache-off table first, then the cache's effect, then the other suites' rows and
    this suite's jobs."""
    out = ROOT / "bench" / "results.json"
    existing = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    kept = [r for r in existing if r.get("suite") != "scale"]
    ours = [{"suite": "scale", **r} for r in results]
    first = [r for r in ours if r.get("table") == "cache_off"]
    second = [r for r in ours if r.get("table") == "cache_effect"]
    rest = [r for r in ours if "table" not in r]
    rows = first + second + kept + rest
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for row in first + second + rest:
        figures = {k: v for k, v in row.items() if k not in ("name", "suite")}
        print(f"{row['name']:<42} " + "  ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
