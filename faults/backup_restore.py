"""Backup, damage, restore: `scripts/backup.sh`, then a table dropped (with what depends on
it) and uploaded files deleted and altered, then `scripts/restore.sh`.

Web, worker and beat are stopped first, as docs/deploy.md asks before a restore, so nothing
writes between the checksums. Passing: every table's row count and the md5 of its ordered
rows, and every media file's sha256, identical before the damage and after the restore (and
the damage was seen: the checksums differed in between); the app answers again after.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from typing import Any

import requests

from faults.model import Fault
from faults.stack import ROOT, LocalStack

NAME = "backup_restore"
DROPPED = "reports_progressreport"  # with CASCADE: its foreign keys in other tables go too


def _tables(stack: LocalStack) -> list[str]:
    return [
        row[0]
        for row in stack.sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]


def database_checksums(stack: LocalStack, tables: list[str]) -> dict[str, str]:
    sums = {}
    with stack.db() as conn:
        for table in tables:
            exists = conn.execute("SELECT to_regclass(%s)", (f"public.{table}",)).fetchone()[0]
            if exists is None:
                sums[table] = "missing"
                continue
            count, digest = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"  # noqa: S608 - names from pg_tables
                f' FROM "{table}" t'
            ).fetchone()
            sums[table] = f"{count}:{digest}"
    return sums


def media_checksums(stack: LocalStack) -> dict[str, str]:
    sums = {}
    for path in sorted(stack.media_root.rglob("*")):
        if path.is_file():
            sums[str(path.relative_to(stack.media_root))] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return sums


def _script(stack: LocalStack, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": stack.database_url,
        "MEDIA_ROOT": str(stack.media_root),
        "BACKUP_DIR": str(stack.tmp / "backups"),
    }
    result = subprocess.run(  # noqa: S603 - the project's own scripts
        list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode:
        raise RuntimeError(f"{args[0]} failed: {result.stderr[-2000:]}")
    return result.stdout


def run(stack: LocalStack) -> Fault:
    # A file of every kind the app keeps, so the media check has something to compare even
    # when no earlier scenario made a pack.
    sample = stack.media_root / "faults" / "sample.txt"
    sample.parent.mkdir(parents=True, exist_ok=True)
    sample.write_text("故障演练 · backup sample\n", encoding="utf-8")

    stack.app_stop()
    try:
        tables = _tables(stack)
        before_db, before_media = database_checksums(stack, tables), media_checksums(stack)
        folder = _script(stack, "scripts/backup.sh").strip().splitlines()[-1]

        stack.sql(f'DROP TABLE "{DROPPED}" CASCADE')
        files = sorted(before_media)
        sample.unlink()
        altered = next((f for f in files if f != "faults/sample.txt"), None)
        if altered:
            (stack.media_root / altered).write_bytes(b"damaged")
        damaged_db, damaged_media = database_checksums(stack, tables), media_checksums(stack)

        _script(stack, "scripts/restore.sh", folder)
        after_db, after_media = database_checksums(stack, tables), media_checksums(stack)
    finally:
        stack.app_start()
    answers = requests.get(
        f"{stack.base_url}/readyz", headers={"X-Forwarded-Proto": "https"}, timeout=10
    ).status_code

    differing = sorted(t for t in tables if before_db[t] != after_db[t])
    figures: dict[str, Any] = {
        "tables": len(tables),
        "rows": sum(int(v.split(":")[0]) for v in before_db.values() if v != "missing"),
        "media_files": len(before_media),
        "damaged_tables": sum(before_db[t] != damaged_db[t] for t in tables),
        "damaged_files": len(set(before_media.items()) ^ set(damaged_media.items())),
        "tables_differing_after_restore": differing[:10],
        "media_identical": before_media == after_media,
        "readyz_after": answers,
    }
    passed = (
        not differing
        and before_media == after_media
        and figures["damaged_tables"] > 0
        and figures["damaged_files"] > 0
        and answers == 200
    )
    return Fault(NAME, passed, figures)
