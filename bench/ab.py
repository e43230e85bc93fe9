"""Old against new on one machine: the bench's own workloads against gunicorn started from
each of two checkouts in turn, pair by pair.

A machine of this kind can change speed by half within minutes (the empty view under load
2,010–2,989 requests/s in one ten-minute run), so a change is judged by alternated pairs,
never by two figures taken apart:

    git worktree add ../old <commit>; ln -s "$PWD/.venv" ../old/.venv
    .venv/bin/python bench/ab.py ../old .                     # mixed workload, cache on
    .venv/bin/python bench/ab.py ../old . --cache off --pairs 3
    .venv/bin/python bench/ab.py ../old . --page task         # one page, cache off, 1 worker
    .venv/bin/python bench/ab.py ../old . --page task --cpu   # in one process: clock and CPU

Each line printed is one measurement of one tree. The data, sessions and writes are those
of bench/scale.py (the `ipplan_scale` database), served with production settings.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # bench/scale.py, beside this file: its data, sessions and writes

PORT = 8751


def _serve(tree: Path, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    python = tree / ".venv" / "bin" / "python"
    server = subprocess.Popen(  # noqa: S603
        [str(python), "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{PORT}", "--workers", str(workers), "--log-level", "warning"],
        cwd=tree, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            if scale.get(PORT, "/healthz", {})[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn did not start from {tree}")


def _mirror_sessions(keys: list[str]) -> None:
    """The sessions also in Django's own table, where trees from before security_session
    (security/migrations/0005) look for them: both trees sign the same users in."""
    from django.contrib.sessions.models import Session as DjangoSession

    from security.models import Session

    for session in Session.objects.filter(pk__in=keys):
        DjangoSession.objects.update_or_create(
            session_key=session.pk,
            defaults={"session_data": session.session_data, "expire_date": session.expire_date},
        )


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:  # the next tree needs the port
        server.kill()
        server.wait(5)


def _mixed(paths: list[tuple[str, dict[str, str]]], writes: dict[str, Any], cache: bool) -> str:
    for path, headers in paths:  # every worker has imported and prepared each page once
        for _ in range(3):
            scale.get(PORT, path, headers)
    result = scale.mixed_with_writes(PORT, paths, writes)
    line = (
        f"mixed {result.get('requests_per_s')} requests/s, p95 {result.get('p95_ms')} ms, "
        f"{result.get('writes')} writes, errors {result.get('errors')}"
    )
    if not cache:
        return line
    hits = scale.wrk(PORT, paths)  # the same reads with no write: every one a hit
    return f"{line}; hits only {hits.get('requests_per_s')} requests/s"


def _page(page: dict[str, Any], headers: dict[str, str], views: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    samples = []
    for i in range(views + 5):
        status, elapsed = scale.get(PORT, page["path"], headers, conn)
        if status != 200:
            raise RuntimeError(f"{page['path']} answered {status}")
        if i >= 5:
            samples.append(elapsed * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95)]
    return f"{page['name']}: p50 {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("trees", nargs=2, type=Path, help="the old checkout, then the new")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--cache", choices=["on", "off"], default="on")
    parser.add_argument("--page", default="", help="a page's name in bench/scale.py (part)")
    parser.add_argument("--views", type=int, default=200)
    parser.add_argument("--cpu", action="store_true", help="with --page: bench/cpu.py, no server")
    args = parser.parse_args()
    if args.cpu:
        if not args.page:
            parser.error("--cpu measures pages named by --page")
        for pair in range(1, args.pairs + 1):
            for tree in (tree.resolve() for tree in args.trees):
                python = str(tree / ".venv" / "bin" / "python")
                command = [python, str(Path(__file__).with_name("cpu.py")), str(tree), args.page]
                lines = subprocess.run(  # noqa: S603
                    [*command, str(args.views)], capture_output=True, text=True, check=True
                ).stdout.splitlines()
                for line in lines:
                    print(f"pair {pair} {tree}: {line}", flush=True)
        return
    scale.ensure_data()
    who = scale.actors()
    measured = scale.pages(who)
    sessions = {p["user"].pk: scale.session_for(p["user"]) for p in measured if "user" in p}
    writes = scale.write_targets(who)
    _mirror_sessions([*sessions.values(), writes["coordinator_session"], writes["liaison_session"]])
    paths = [(p["path"], scale.headers_for(p, sessions)) for p in measured if not p.get("extra")]
    page = next((p for p in measured if args.page and args.page in p["name"]), None)
    if args.page and page is None:
        parser.error(f"no page of bench/scale.py is named like {args.page!r}")
    trees = [tree.resolve() for tree in args.trees]
    # One page is built with the cache off: what its build costs is what is compared.
    cache = args.cache == "on" and page is None
    with tempfile.TemporaryDirectory() as static_roots:
        envs = {}
        for i, tree in enumerate(trees):  # each tree serves its own static manifest
            envs[tree] = scale.server_env(f"{static_roots}/{i}", cache=cache)
            subprocess.run(  # noqa: S603
                [str(tree / ".venv" / "bin" / "python"), "manage.py", "collectstatic",
                 "--noinput", "-v", "0"],
                cwd=tree, env=envs[tree], check=True,
            )  # fmt: skip
        for pair in range(1, args.pairs + 1):
            for tree in trees:
                # Nothing one tree kept is served by the other (a kept page outlives its server).
                redis.Redis.from_url(scale.REDIS).flushdb()
                server = _serve(tree, envs[tree], workers=1 if page else 2)
                try:
                    if page is not None:
                        line = _page(page, scale.headers_for(page, sessions), args.views)
                    else:
                        line = f"cache {args.cache}: " + _mixed(paths, writes, cache)
                finally:
                    _stop(server)
                print(f"pair {pair} {tree}: {line}", flush=True)


if __name__ == "__main__":
    main()
