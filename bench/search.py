"""Search at national scale: p50/p95 of two-word queries, for a NIPA viewer and a liaison.

Against the scale data (`ipplan_scale`, as bench/scale.py; generated there when missing).
The index is rebuilt first when it is empty or with `--reindex` (timed: the bulk rebuild that
follows a bulk load). Then 60 two-word queries (an IP term and a common word, e.g.
`地理标志 保护`) for the two actors of bench/scale.py `actors()` (the busiest local agency's
liaison, a NIPA viewer), each timed twice over:

- `selector`: `search_for` alone (the SQL and the snippets), with its query count;
- `api`: `GET /api/v1/search/?q=` through the whole stack (middleware, auth, JSON).

Issue 23 asks p95 ≤ 100 ms for a two-word query. Results are printed as JSON and written to
bench/results.json as rows with "suite": "search" (other suites' rows are kept).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = os.environ.get(
    "SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ipplan_scale"
)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from devdata.scale import scale_data_exists, scale_data_generate  # noqa: E402
from search.indexing import reindex  # noqa: E402
from search.models import SearchEntry  # noqa: E402
from search.selectors import search_for  # noqa: E402

TERMS = [
    "地理标志",
    "商标品牌",
    "专利导航",
    "知识产权保护",
    "运营服务",
    "快速维权",
    "专利转化",
    "公共服务",
    "行政执法",
    "人才",
]
WORDS = ["保护", "建设", "推进", "体系", "机制", "平台"]
# 60 two-word queries: every term with every common word.
QUERIES = [f"{term} {word}" for term in TERMS for word in WORDS]


def ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def ensure_index(*, force: bool) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    if not scale_data_exists():
        scale_data_generate(seed=1)
    if SearchEntry.objects.exists() and not force:
        return {"name": "search_reindex", "note": "index already present", "rows": None}
    started = time.perf_counter()
    counts = reindex()
    seconds = time.perf_counter() - started
    return {
        "name": "search_reindex (all plans)",
        "seconds": round(seconds, 1),
        "rows": sum(counts.values()),
        **{f"rows_{kind}": n for kind, n in counts.items()},
    }


def measure_selector(user: Any, label: str) -> dict[str, Any]:
    search_for(user=user, q=QUERIES[0])  # warm: the dictionary, the connection
    samples, counts, results = [], [], []
    for q in QUERIES:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = search_for(user=user, q=q)
            samples.append(time.perf_counter() - started)
        counts.append(len(ctx.captured_queries))
        results.append(result.count)
    return {
        "name": f"search_for (selector), {label}",
        **ms(samples),
        "queries": max(counts),
        "results_median": statistics.median(results),
        "requests": len(samples),
    }


def measure_api(user: Any, label: str) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    client.get("/api/v1/search/", {"q": QUERIES[0]})
    samples = []
    for q in QUERIES:
        started = time.perf_counter()
        response = client.get("/api/v1/search/", {"q": q})
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{q}: {response.status_code} {response.content[:200]!r}")
    return {"name": f"GET /api/v1/search/, {label}", **ms(samples), "requests": len(samples)}


def main() -> None:
    from bench.scale import actors  # after setup: it reads the scale data

    index = ensure_index(force="--reindex" in sys.argv)
    people = actors()
    rows = [index]
    for key, label in (("nipa", "NIPA viewer"), ("liaison", "busy liaison")):
        rows.append(measure_selector(people[key], label))
        rows.append(measure_api(people[key], label))
    out = ROOT / "bench" / "results.json"
    existing = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    kept = [row for row in existing if row.get("suite") != "search"]
    written = kept + [{"suite": "search", **row} for row in rows]
    out.write_text(json.dumps(written, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(rows, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
