"""schemathesis against the running server: every operation of the published OpenAPI schema,
its examples, coverage, fuzzing and stateful phases, at least 100 generated examples per
operation, with a coordinator's API token and the API throttle lifted (the stack runs with
API_TOKEN_RATE=1000000/minute, so nothing is answered 429 and the generator reaches every
operation as often as it asks).

Passing: not one server error (5xx) among the responses (schemathesis' `not_a_server_error`
check), the run finished, and it did reach every operation. Figures: operations, requests sent
(by phase and by status), 5xx count with the first few of them, schemathesis' own errors, the
seed (FAULTS_API_SEED replays a run) and seconds.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from faults.model import Fault, Stack

NAME = "api_schemathesis"
SCHEMA_PATH = "/api/schema/?format=json"
USERNAME = "hainan_coordinator"  # may read and write most of the API (demo data)
MAX_EXAMPLES = 100  # per operation, the issue's floor
# Concurrent schemathesis workers: two gunicorn workers stay busy while the next requests
# are generated; more only queue up at gunicorn on a two-CPU machine.
WORKERS = int(os.environ.get("FAULTS_API_WORKERS", "4"))
# Two passes: the coverage phase in one thread (its schema walk trips over CPython 3.11's
# AST recursion check when threads describe Hypothesis filters at once, a schemathesis
# SystemError, not the server's), then examples, fuzzing and stateful with WORKERS threads.
PASSES = (("coverage", 1), ("examples,fuzzing,stateful", WORKERS))
TIMEOUT = 300  # seconds for both passes; they take 1½–3½ minutes on 2 CPUs
TIME_LIMIT = TIMEOUT + 40  # the runner's bound (faults/__main__.py): the token's shells too
TOKEN = re.compile(r"ipp_[0-9a-f]+_[A-Za-z0-9_-]+")

_ISSUE_CODE = """
from django.contrib.auth import get_user_model
from api.tokens import token_issue
user = get_user_model().objects.get(username={username!r})
print("TOKEN", token_issue(user=user, name="faults: schemathesis", issued_by=None)[1])
"""
_REVOKE_TOKENS = """
from api.models import ApiToken
from api.tokens import token_revoke
for token in ApiToken.objects.filter(name="faults: schemathesis", revoked_at__isnull=True):
    token_revoke(token=token)
"""


def _issue_token(stack: Stack) -> str:
    out = stack.manage("shell", "-c", _ISSUE_CODE.format(username=USERNAME))
    for line in out.splitlines():
        if line.startswith("TOKEN "):
            found = TOKEN.search(line)
            if found:
                return found.group()
    raise RuntimeError(f"no token printed:\n{out[-1000:]}")


def _command(
    stack: Stack, token: str, events: Path, phases: str, workers: int, seed: str | None
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        stack.base_url + SCHEMA_PATH,
        "--header",
        f"Authorization: Bearer {token}",
        # Production redirects plain http to https unless told it came through TLS.
        "--header",
        "X-Forwarded-Proto: https",
        "--checks",
        "not_a_server_error",
        "--phases",
        phases,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        str(workers),
        "--continue-on-failure",
        "--generation-database",
        "none",
        "--request-timeout",
        "35",  # gunicorn's own worker timeout is 30 s: a hung worker shows as its 502/timeout
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(events),
        "--no-color",
        "--wait-for-schema",
        "30",
    ]
    if seed:
        command += ["--seed", seed]
    return command


def _read_events(path: Path) -> dict[str, Any]:
    """What the NDJSON event stream says: operations, every response's status by phase, the
    server errors, schemathesis' own errors and the seed."""
    statuses: collections.Counter[str] = collections.Counter()
    phases: collections.Counter[str] = collections.Counter()
    tested: set[str] = set()
    server_errors: list[str] = []
    tool_errors: list[str] = []
    operations, seed = 0, None
    if not path.exists():
        return {
            "operations": 0,
            "requests": 0,
            "statuses": {},
            "phases": {},
            "tested": set(),
            "server_errors": [],
            "tool_errors": ["no event stream"],
            "seed": None,
        }
    # One JSON event a line: split at newlines only, as `str.splitlines` also breaks at
    # characters a fuzzed value may hold unescaped (\u2028).
    for line in path.read_text(errors="replace").split("\n"):
        try:
            event = json.loads(line)
        except ValueError:
            continue
        kind, body = next(iter(event.items()))
        if kind == "Initialize":
            seed = body.get("seed")
        elif kind == "LoadingFinished":
            operations = body.get("statistic", {}).get("operations", {}).get("selected", 0)
        elif kind == "NonFatalError" or kind == "FatalError":
            label = body.get("label") or body.get("phase") or ""
            tool_errors.append(f"{label}: {str(body.get('value', body))[:200]}")
        elif kind == "ScenarioFinished":
            recorder = body.get("recorder") or {}
            for interaction in (recorder.get("interactions") or {}).values():
                response = interaction.get("response")
                request = interaction.get("request") or {}
                status = response.get("status_code") if response else None
                statuses[str(status)] += 1
                phases[body.get("phase", "?")] += 1
                if body.get("phase") != "stateful":  # one operation a scenario there
                    tested.add(str(recorder.get("label", "")))
                if status is None or status >= 500:
                    server_errors.append(
                        f"{request.get('method')} {request.get('uri', '')[:200]}: {status}"
                    )
    return {
        "operations": operations,
        "requests": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "phases": dict(phases),
        "tested": tested,
        "server_errors": server_errors,
        "tool_errors": tool_errors,
        "seed": seed,
    }


def _merge(passes: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {
        "operations": max((p["operations"] for p in passes), default=0),
        "requests": sum(p["requests"] for p in passes),
        "statuses": collections.Counter(),
        "phases": collections.Counter(),
        "server_errors": [e for p in passes for e in p["server_errors"]],
        "tool_errors": [e for p in passes for e in p["tool_errors"]],
        "seeds": [p["seed"] for p in passes],
        "tested": set().union(*(p["tested"] for p in passes)),
    }
    for found in passes:
        total["statuses"].update(found["statuses"])
        total["phases"].update(found["phases"])
    total["statuses"] = dict(sorted(total["statuses"].items()))
    total["phases"] = dict(total["phases"])
    return total


def _schemathesis(
    stack: Stack, token: str, report_dir: Path, phases: str, workers: int, timeout: float
) -> tuple[int | None, str, dict[str, Any]]:
    events = report_dir / f"{phases.replace(',', '-')}.ndjson"
    command = _command(stack, token, events, phases, workers, os.environ.get("FAULTS_API_SEED"))
    try:
        result = subprocess.run(  # noqa: S603 - our interpreter, our arguments
            command,
            capture_output=True,
            text=True,
            timeout=max(timeout, 30),
            cwd=report_dir,  # no schemathesis.toml of anyone else's is read
            env={**os.environ, "NO_COLOR": "1"},
            check=False,
        )
        exit_code, output = result.returncode, result.stdout + result.stderr
    except subprocess.TimeoutExpired as exc:
        exit_code, output = None, str(exc.stdout or "")
    summary = next(
        (
            line.strip(" =")
            for line in reversed(output.splitlines())
            if " in " in line and "==" in line
        ),
        "",
    )
    return exit_code, summary, _read_events(events)


def run(stack: Stack) -> Fault:
    started = time.monotonic()
    rate = stack.env.get("API_TOKEN_RATE", "")
    token = _issue_token(stack)
    report_dir = Path(tempfile.mkdtemp(prefix="faults-api-"))
    exits, summaries, passes = [], [], []
    try:
        for phases, workers in PASSES:
            left = TIMEOUT - (time.monotonic() - started)
            exit_code, summary, found = _schemathesis(
                stack, token, report_dir, phases, workers, left
            )
            exits.append(exit_code)
            summaries.append(f"{phases}: {summary}")
            passes.append(found)
    finally:
        shutil.rmtree(report_dir, ignore_errors=True)
        stack.manage("shell", "-c", _REVOKE_TOKENS)
    found = _merge(passes)
    server_errors = found["server_errors"]
    passed = (
        None not in exits
        and not server_errors
        and found["operations"] > 0
        and len(found["tested"]) >= found["operations"]
        and found["requests"] >= MAX_EXAMPLES * found["operations"] // 2
        and found["statuses"].get("429", 0) == 0
    )
    return Fault(
        NAME,
        passed,
        {
            "operations": found["operations"],
            "operations_reached": len(found["tested"]),
            "requests": found["requests"],
            "server_errors_5xx": len(server_errors),
            "first_5xx": server_errors[:10],
            "by_status": found["statuses"],
            "by_phase": found["phases"],
            "max_examples": MAX_EXAMPLES,
            "workers": WORKERS,
            "throttle": rate,
            "schemathesis_exit": exits,
            "schemathesis_errors": found["tool_errors"][:5],
            "schemathesis_summary": summaries,
            "seeds": found["seeds"],
            "seconds": round(time.monotonic() - started, 1),
        },
    )
