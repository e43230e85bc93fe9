"""`make demo-smoke`: the embedded demo as `make demo` builds it (SQLite, Celery eager), loaded
into a throw-away file, then every main page opened as each kind of demo user — no page may
answer 5xx — and the search and comparison of issue 23 asked as a coordinator, a NIPA viewer
and another province's liaison.

The test suite runs on PostgreSQL only; this is the one check of the SQLite demo, the first
thing people see (SQLite refuses some SQL that PostgreSQL takes, e.g. an ORDER BY inside a
UNION's branch). Run from the repository root with the virtual environment's Python."""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="demo-smoke-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings.local",
    DATABASE_URL=f"sqlite:///{WORK / 'demo.sqlite3'}",
    MEDIA_ROOT=str(WORK / "media"),
)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from evaluations.models import SelfEvaluation  # noqa: E402
from plans.models import Plan  # noqa: E402
from reports.models import ProgressReport  # noqa: E402
from tasks.models import Task, WorkItem  # noqa: E402

USERS = ("hainan_coordinator", "hainan_liaison", "nipa_viewer", "hunan_liaison",
         "weihai_coordinator", "operator")  # fmt: skip
HAINAN_TASK = "大力实施地理标志运用促进工程"


def pages() -> list[str]:
    urls = ["/", "/plans/", "/dashboards/", reverse("dashboards:mine"), "/supervision/",
            "/notifications/", "/evaluations/", "/compare/", "/compare/?topic=商标品牌",
            "/compare/cases/", "/search/?q=地理标志", "/api/v1/search/?q=知识产权 保护",
            "/manage/", "/api/v1/tasks/", "/api/v1/tasks/?overdue=true&role=lead&page=last",
            "/api/v1/reports/"]  # fmt: skip
    for plan in Plan.objects.all():
        # The API lists' compiled queries, on the demo's SQLite
        urls += [f"/api/v1/tasks/?plan={plan.pk}&status=on_track",
                 f"/api/v1/reports/?plan={plan.pk}&page_size=3&page=2"]  # fmt: skip
        urls += [f"/plans/{plan.pk}/", f"/dashboards/plans/{plan.pk}/",
                 f"/plans/{plan.pk}/duty-table.xlsx", f"/evaluations/plans/{plan.pk}/",
                 reverse("tasks:plan_timeline", args=[plan.pk])]  # fmt: skip
    for task in Task.objects.order_by("plan", "number")[::4]:
        urls += [f"/tasks/{task.pk}/", f"/compare/similar/{task.pk}/"]
    urls += [reverse("tasks:work_item_detail", args=[w.pk]) for w in WorkItem.objects.all()[:5]]
    reports = ProgressReport.objects.all()[:10]
    urls += [reverse("reports:report_detail", args=[r.pk]) for r in reports]
    urls += [f"/evaluations/{e.pk}/" for e in SelfEvaluation.objects.all()]
    return urls


def text(client: Client, url: str) -> str:
    return re.sub(r"<[^>]+>", "", client.get(url).content.decode())


def main() -> int:
    # 4xx are logged at WARNING (a viewer refused a page is expected); a 5xx is an ERROR.
    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("run_job", "rollup", verbosity=0)
    users = get_user_model().objects
    failures: list[str] = []
    urls = pages()
    for name in USERS:
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        client.force_login(users.get(username=name))
        for url in urls:
            status = client.get(url).status_code
            if status >= 500:
                failures.append(f"{name} {url} → {status}")
    found = {}
    for name in ("hainan_coordinator", "nipa_viewer", "hunan_liaison"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users.get(username=name))
        found[name] = HAINAN_TASK in text(client, "/search/?q=地理标志")
    if found != {"hainan_coordinator": True, "nipa_viewer": True, "hunan_liaison": False}:
        failures.append(f"search 地理标志 found the Hainan task as {found}")
    print(f"demo smoke: {len(USERS)} users × {len(urls)} pages, {len(failures)} failures")
    for failure in failures:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
