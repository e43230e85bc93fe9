"""A page's build in one process, timed by the clock and by the process's CPU time: the
CPU time leaves out the waiting for PostgreSQL and most of what other machines' work does to
a shared one, so a change to Python code shows there when the clock's noise hides it.

    .venv/bin/python bench/cpu.py <tree> "<page name, or part; several with commas>" [views]

Run by `bench/ab.py ... --cpu` for each of two checkouts in turn: the tree's own code,
settings and bench/scale.py (its pages, sessions and tokens), production settings, the
cache off, Django's test client (no HTTP: the request cycle from the middleware on).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

tree = Path(sys.argv[1]).resolve()
sys.path[:0] = [str(tree), str(tree / "bench")]
os.chdir(tree)

import scale  # noqa: E402  (the tree's own bench/scale.py)

static_root = tempfile.mkdtemp(prefix="bench-cpu-")  # the tree's own static manifest
os.environ.update(scale.server_env(static_root, cache=False))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

call_command("collectstatic", interactive=False, verbosity=0)

VIEWS = int(sys.argv[3]) if len(sys.argv) > 3 else 150
wanted = sys.argv[2].split(",")
for page in scale.pages(scale.actors()):
    if not any(part in page["name"] for part in wanted):
        continue
    client, headers = Client(), {"HTTP_X_FORWARDED_PROTO": "https"}
    if "token" in page:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {page['token']}"
    else:
        client.force_login(page["user"])
    for _ in range(10):  # compiled queries, templates and prepared statements, as a worker has them
        client.get(page["path"], **headers)
    clock, cpu = [], []
    for _ in range(VIEWS):
        started, used = time.perf_counter(), time.process_time()
        status = client.get(page["path"], **headers).status_code
        clock.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        if status != 200:
            raise RuntimeError(f"{page['path']} answered {status}")
    print(
        f"{page['name']}: wall {statistics.median(clock) * 1000:.1f} ms, "
        f"CPU {statistics.median(cpu) * 1000:.1f} ms (medians of {VIEWS})",
        flush=True,
    )
shutil.rmtree(static_root)
