"""make backup / make restore: dump the database and the files, restore them into a scratch
database and folder, and find the same rows and the same files."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from dashboards.rollups import rollup_build

ROOT = Path(__file__).resolve().parents[2]
TABLES = [
    "plans_plan",
    "tasks_task",
    "tasks_responsibility",
    "tasks_event",
    "reports_progressreport",
    "dashboards_rollup",
    "agencies_agency",
    "auth_user",
]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _url(dbname: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{dbname}"


def _counts(dbname: str) -> dict[str, int]:
    with psycopg.connect(_url(dbname)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def _run(script: str, *args: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603
        [str(ROOT / "scripts" / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def scratch_db():
    name = f"ipplan_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_scratch_database_with_the_same_rows_and_files(
    world, scratch_db, tmp_path
) -> None:
    import datetime as dt

    from tasks.services import task_set_status

    task_set_status(
        actor=world.users["coordinator"],
        task=world.a1,
        status="at_risk",
        reason="备份前",
        expected_version=world.a1.version,
    )
    rollup_build(as_of=dt.date(2026, 1, 1))
    media = tmp_path / "media"
    (media / "attachments" / "2026").mkdir(parents=True)
    (media / "attachments" / "2026" / "佐证.pdf").write_bytes(b"%PDF-1.4 evidence")
    source = settings.DATABASES["default"]["NAME"]

    folder = Path(
        _run(
            "backup.sh",
            env={
                "DATABASE_URL": _url(source),
                "MEDIA_ROOT": str(media),
                "BACKUP_DIR": str(tmp_path / "backups"),
            },
        )
    )
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", "db.dump", "media.tar.gz"]

    restored_media = tmp_path / "restored"
    (restored_media / "stale.txt").parent.mkdir(parents=True)
    (restored_media / "stale.txt").write_text("left over")
    _run(
        "restore.sh",
        str(folder),
        env={"DATABASE_URL": _url(scratch_db), "MEDIA_ROOT": str(restored_media)},
    )

    assert _counts(scratch_db) == _counts(source)
    counted = _counts(source)
    assert (
        counted["tasks_task"] == 3 and counted["dashboards_rollup"] > 0 and counted["tasks_event"]
    )
    assert (
        restored_media / "attachments" / "2026" / "佐证.pdf"
    ).read_bytes() == b"%PDF-1.4 evidence"
    assert not (restored_media / "stale.txt").exists()
    # The append-only timeline is append-only in the restored database too.
    with psycopg.connect(_url(scratch_db)) as conn, pytest.raises(psycopg.Error):
        conn.execute("DELETE FROM tasks_event")


def test_a_damaged_backup_is_refused_and_changes_nothing(world, scratch_db, tmp_path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    source = settings.DATABASES["default"]["NAME"]
    folder = Path(
        _run(
            "backup.sh",
            env={
                "DATABASE_URL": _url(source),
                "MEDIA_ROOT": str(media),
                "BACKUP_DIR": str(tmp_path / "backups"),
            },
        )
    )
    with (folder / "db.dump").open("ab") as dump:
        dump.write(b"damage")
    result = subprocess.run(  # noqa: S603
        [str(ROOT / "scripts" / "restore.sh"), str(folder)],
        env={**os.environ, "DATABASE_URL": _url(scratch_db), "MEDIA_ROOT": str(tmp_path / "r")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    with psycopg.connect(_url(scratch_db)) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    assert tables == 0
