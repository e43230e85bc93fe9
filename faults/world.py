"""What the scenarios act on, found once inside the stack (faults/probe.py) and parsed here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from faults.stack import LocalStack


@dataclass
class Person:
    username: str
    password: str
    id: int
    token: str
    plans: list[int]
    slots: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    meetings: list[int] = field(default_factory=list)


def people(stack: LocalStack, usernames: list[str]) -> dict[str, Person]:
    """The named demo users, each with a fresh API token and what they may write."""
    names = json.dumps(usernames)
    out = stack.shell(f"from faults.probe import world; world({names})", timeout=180)
    line = next(line for line in out.splitlines() if line.startswith("PROBE "))
    data = json.loads(line.removeprefix("PROBE "))["users"]
    found = {}
    for username, entry in data.items():
        login = stack.login_for(username)
        found[username] = Person(
            username=username,
            password=login.password,
            id=entry["id"],
            token=entry["token"],
            plans=entry["plans"],
            slots=entry["slots"],
            tasks=entry["tasks"],
            meetings=entry["meetings"],
        )
    return found
