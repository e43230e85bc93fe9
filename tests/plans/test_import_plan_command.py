"""`python manage.py import_plan`: other tools call it, so its output shape is a contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plans.models import Plan
from tasks.models import Task

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "plans" / "sources"
TOP_KEYS = {
    "title", "doc_number", "issued_on", "region", "issuers", "sections", "tasks",
    "indicators", "guarantee_measures", "warnings",
}  # fmt: skip


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_plan", *args, stdout=out)
    return out.getvalue()


def test_dry_run_json_prints_one_object_of_the_agreed_shape_and_writes_nothing():
    out = _run(str(SOURCES / "hainan-2022.txt"), "--dry-run", "--json")
    data = json.loads(out)  # nothing but the object on stdout
    assert set(data) == TOP_KEYS
    assert data["doc_number"] == "琼府〔2022〕39号"
    assert data["issued_on"] == "2022-11-07"
    assert data["region"] == "海南省"
    assert [t["number"] for t in data["tasks"]] == list(range(1, 13))
    task = data["tasks"][0]
    assert set(task) == {
        "number",
        "label",
        "section",
        "title",
        "text",
        "non_exhaustive",
        "responsibilities",
    }
    assert task["title"] == "推进知识产权管理体制机制改革"
    first = task["responsibilities"][0]
    assert set(first) == {"written", "agency", "side", "role"}
    assert first["side"] in {"nipa", "local"} and first["role"] in {"lead", "co", "responsible"}
    # Resolved through the alias table: the written short name maps to the canonical one.
    resolved = {r["written"]: r["agency"] for r in data["tasks"][9]["responsibilities"]}
    assert resolved["国家知识产权局保护司"] == "国家知识产权局知识产权保护司"
    assert data["guarantee_measures"][0] == {"label": "(一)", "title": "加强组织领导"}
    assert not Plan.objects.exists() and not Task.objects.exists()


def test_overrides_win_over_the_text():
    out = _run(
        str(SOURCES / "weihai-2021.txt"),
        "--dry-run",
        "--json",
        "--title",
        "威海市实施意见",
        "--doc-number",
        "威政发〔2022〕1号",
        "--issued-on",
        "2022-03-01",
    )
    data = json.loads(out)
    assert data["title"] == "威海市实施意见"
    assert data["doc_number"] == "威政发〔2022〕1号"
    assert data["issued_on"] == "2022-03-01"
    assert {i["name"] for i in data["indicators"]} >= {"每万人口高价值发明专利拥有量"}


def test_import_then_the_same_file_again_changes_nothing():
    path = str(SOURCES / "hunan-2022.txt")
    assert "imported" in _run(path)
    tasks = Task.objects.count()
    assert "unchanged" in _run(path)
    assert Task.objects.count() == tasks == 12


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "empty"), (b"\x00\x01\x02PK\x00binary", "binary")],
)
def test_bad_input_fails_clearly_and_writes_nothing(tmp_path, content, expected):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        _run(str(path))
    assert expected in str(error.value).lower()
    assert not Plan.objects.exists()


def test_unbalanced_bracket_names_the_line(tmp_path):
    text = (
        "关于某项工作的实施方案\n一、重点任务\n"
        "(一)加强保护。加强知识产权保护。(责任单位:市公安局、市法院\n"
    )
    path = tmp_path / "broken.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="3"):
        _run(str(path))


def test_the_real_command_exits_non_zero_on_bad_input(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_plan", str(path), "--dry-run", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "empty" in result.stderr.lower()


def test_an_unmigrated_database_is_named_in_one_line(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_plan", str(SOURCES / "hainan-2022.txt")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "CommandError: 数据库尚未初始化，请先运行 python manage.py migrate。 / the database is "
        "not initialised: run python manage.py migrate first."
    ]
