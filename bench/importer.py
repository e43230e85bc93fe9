"""Importer timings: parse and full import of each official text, on PostgreSQL.

Run with `make bench` (it creates the `ipplan_bench` database and migrates it). Each import
runs inside a transaction that is rolled back, so every repetition imports from scratch.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ipplan_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from plans.importer.parse import parse_plan  # noqa: E402
from tasks.services.plan_import import plan_import  # noqa: E402

REPEAT = 20


class Rollback(Exception):
    pass


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    results = []
    for path in sorted((ROOT / "plans" / "sources").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        parse_times, import_times = [], []
        for _ in range(REPEAT):
            start = time.perf_counter()
            parsed = parse_plan(text=text)
            parse_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            try:
                with transaction.atomic():
                    plan_import(parsed=parsed, text=text, actor=None)
                    import_times.append(time.perf_counter() - start)
                    raise Rollback
            except Rollback:
                pass
        results.append({"name": f"parse {path.name}", **_ms(parse_times)})
        results.append({"name": f"import {path.name}", **_ms(import_times)})
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    width = max(len(r["name"]) for r in results)
    print(f"{'measurement':<{width}}  p50_ms  p95_ms")
    for r in results:
        print(f"{r['name']:<{width}}  {r['p50_ms']:>6}  {r['p95_ms']:>6}")


if __name__ == "__main__":
    main()
