"""`python -m faults`: start the stack, run the fault scenarios, print one JSON summary line.

    .venv/bin/python -m faults                       # every scenario (make faults)
    .venv/bin/python -m faults --only redis_down,load --load-seconds 20
    .venv/bin/python -m faults --list

The summary (`{"faults": [{"name", "passed", "figures"}]}`) is also written to
test-results/faults.json. The exit status is 1 when any scenario failed (lost data, saw an
unexpected error or 5xx, or raised), 2 when the stack could not start.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from faults.model import Fault
from faults.stack import ROOT, LocalStack

# Order matters: the faults that break something run after those that only load it, and the
# backup's damage is repaired by its own restore, last.
SCENARIOS = [
    "redis_down",
    "worker_killed",
    "postgres_restart",
    "load",
    "inputs",  # bad files and inputs, workers' memory (helper "fuzz")
    "api",  # schemathesis against the running server (helper "fuzz")
    "backup_restore",
]
# Seconds: a scenario still running then is reported failed (a module may set TIME_LIMIT).
SCENARIO_LIMIT = 300
RESULTS = ROOT / "test-results" / "faults.json"
LOGS_KEPT = ROOT / "test-results" / "faults-logs"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m faults", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument(
        "--load-seconds", type=float, default=120, help="how long the load scenario runs"
    )
    parser.add_argument("--list", action="store_true", help="print the scenario names")
    return parser.parse_args(argv)


def _load(name: str) -> ModuleType | None:
    """The scenario's module, or None when it is not there (yet)."""
    try:
        return importlib.import_module(f"faults.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"faults.{name}":
            return None
        raise


def _scenario(name: str, module: ModuleType, stack: LocalStack) -> Fault:
    """Run one scenario, bounded in time; then judge the access log: a 5xx the scenario did
    not declare it expects (module attribute EXPECTS_5XX) fails it whatever it reported."""
    log_from = stack.access_log_lines()
    limit = float(getattr(module, "TIME_LIMIT", SCENARIO_LIMIT))
    # Scenarios talk on stderr: stdout carries the one summary line.
    with contextlib.redirect_stdout(sys.stderr):
        fault = _bounded(name, module.run, stack, limit=limit)
    errors = stack.access_log_5xx(since_line=log_from)
    fault.figures.setdefault("server_5xx", len(errors))
    if errors and not getattr(module, "EXPECTS_5XX", False):
        fault.passed = False
        fault.figures["unexpected_5xx"] = errors[:10]
    return fault


def _bounded(
    name: str, run: Callable[[LocalStack], Fault], stack: LocalStack, *, limit: float
) -> Fault:
    """Run one scenario in a thread with a time limit; an exception is a failed fault."""
    outcome: list[Fault] = []
    failure: list[str] = []

    def target() -> None:
        try:
            outcome.append(run(stack))
        except Exception:  # a scenario that breaks is a failed fault, reported with its cause
            failure.append(traceback.format_exc(limit=6))

    started = time.monotonic()
    thread = threading.Thread(target=target, name=f"fault-{name}", daemon=True)
    thread.start()
    thread.join(limit)
    seconds = round(time.monotonic() - started, 1)
    if thread.is_alive():
        return Fault(name, False, {"error": f"still running after {limit:.0f}s"})
    if failure:
        print(failure[0], file=sys.stderr)
        return Fault(
            name, False, {"error": failure[0].strip().splitlines()[-1], "seconds": seconds}
        )
    fault = outcome[0]
    fault.figures.setdefault("seconds", seconds)
    return fault


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    chosen = [n.strip() for n in args.only.split(",") if n.strip()] or SCENARIOS
    unknown = [n for n in chosen if n not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    os.environ["FAULTS_LOAD_SECONDS"] = str(args.load_seconds)
    started = time.monotonic()
    faults: list[Fault] = []
    stack = LocalStack()
    try:
        try:
            stack.start()
        except Exception:
            traceback.print_exc()
            for name in ("web", "worker", "beat"):
                tail = stack.log_text(name)[-2000:]
                if tail:
                    print(f"--- {name} log ---\n{tail}", file=sys.stderr)
            _summary([Fault("stack", False, {"error": "the stack did not start"})], started)
            return 2
        print(f"faults: stack up in {stack.timings}", file=sys.stderr)
        for name in chosen:
            module = _load(name)
            if module is None:
                print(
                    f"faults: {name}: module faults/{name}.py not present, skipped", file=sys.stderr
                )
                continue
            print(f"faults: {name} …", file=sys.stderr)
            fault = _scenario(name, module, stack)
            print(f"faults: {name}: {'passed' if fault.passed else 'FAILED'}", file=sys.stderr)
            if not fault.passed:
                _keep_logs(stack, name)
            faults.append(fault)
            _restore_services(stack)
    finally:
        stack.close()
    _summary(faults, started, setup=stack.timings)
    return 0 if faults and all(f.passed for f in faults) else 1


def _keep_logs(stack: LocalStack, scenario: str) -> None:
    """A failed scenario's evidence outlives the stack: its logs are copied under
    test-results/faults-logs/<scenario>/ and the tails of beat's and the worker's are printed,
    since CI keeps only what was printed."""
    kept = stack.copy_logs(LOGS_KEPT / scenario)
    print(f"faults: {scenario}: logs kept in {kept}", file=sys.stderr)
    for name in ("beat", "worker"):
        tail = stack.log_text(name)[-4000:]
        if tail:
            print(f"--- {name} log (tail) ---\n{tail}", file=sys.stderr)


def _restore_services(stack: LocalStack) -> None:
    """A scenario that broke off may leave Redis, PostgreSQL or the worker down: the next
    one starts from a whole stack."""
    if not stack.redis_answers():
        stack.redis_start()
    if not stack.postgres_answers():
        stack.postgres_start()
    if not stack.worker_pids():
        stack.worker_start()


def _summary(faults: list[Fault], started: float, setup: dict[str, float] | None = None) -> None:
    line = json.dumps(
        {
            "faults": [f.as_json() for f in faults],
            "seconds": round(time.monotonic() - started, 1),
            "setup_seconds": setup or {},
        },
        ensure_ascii=False,
        default=str,
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    Path(RESULTS).write_text(line + "\n", encoding="utf-8")
    print(line)


if __name__ == "__main__":
    sys.exit(main())
