"""The demo data of `make demo`: demo users of every role, and the plans in motion.

Demo data is marked (`Plan.is_demo`), created only where settings.DEMO_ALLOWED is true
(never in production) and loaded idempotently: running it again keeps what is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from agencies.models import Agency, Role
from agencies.services import user_with_membership_ensure
from plans.importer.parse import parse_plan
from plans.models import Plan
from plans.services import plan_import

SOURCES = Path(settings.BASE_DIR) / "plans" / "sources"
DEMO_PLANS = ["hainan-2022.txt", "hunan-2022.txt", "weihai-2021.txt"]

DEMO_PASSWORD = "ipplan-demo-2026"  # noqa: S105 - a published demo login, never in production


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


def demo_plans_import() -> list[Plan]:
    """The three official texts, imported as any coordinator would (idempotent by sha256)."""
    plans = []
    for name in DEMO_PLANS:
        text = (SOURCES / name).read_text(encoding="utf-8")
        plan = plan_import(parsed=parse_plan(text=text), text=text, actor=None).plan
        if not plan.is_demo:
            Plan.objects.filter(pk=plan.pk).update(is_demo=True)
        plans.append(plan)
    return plans


def demo_load() -> list[DemoLogin]:
    if not getattr(settings, "DEMO_ALLOWED", False):
        raise ImproperlyConfigured("Demo data is not allowed here (settings.DEMO_ALLOWED).")
    demo_plans_import()
    office = Agency.objects.get(name="海南省知识产权局")
    commerce = Agency.objects.get(name="海南省商务厅")
    nipa_dept = Agency.objects.get(name="国家知识产权局知识产权运用促进司")
    people = [
        (Role.COORDINATOR, "hainan_coordinator", office, {}),
        (Role.LIAISON, "hainan_liaison", commerce, {}),
        (Role.VIEWER, "nipa_viewer", nipa_dept, {}),
        (Role.SECRETARY, "hainan_secretary", office, {}),
        (Role.ADMIN, "hainan_admin", office, {"is_staff": True, "is_superuser": True}),
    ]
    logins = []
    for role, username, agency, flags in people:
        user_with_membership_ensure(
            username=username, password=DEMO_PASSWORD, agency=agency, role=role, **flags
        )
        logins.append(DemoLogin(role=str(role), username=username, password=DEMO_PASSWORD))
    return logins
