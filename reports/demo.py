"""The demo data of `make demo`: demo users of every role, and the plans in motion.

Demo data is marked (`Plan.is_demo`), created only where settings.DEMO_ALLOWED is true
(never in production) and loaded idempotently: running it again keeps what is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from agencies.models import Region, Role, Side
from agencies.services import agency_get_or_create, user_with_membership_ensure

DEMO_PASSWORD = "ipplan-demo-2026"  # noqa: S105 - a published demo login, never in production


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


def demo_load() -> list[DemoLogin]:
    if not getattr(settings, "DEMO_ALLOWED", False):
        raise ImproperlyConfigured("Demo data is not allowed here (settings.DEMO_ALLOWED).")
    hainan = Region.objects.get(name="海南省")
    national = Region.objects.get(name="全国")
    office = agency_get_or_create(name="海南省知识产权局", region=hainan, short_name="省知识产权局")
    commerce = agency_get_or_create(name="海南省商务厅", region=hainan, short_name="省商务厅")
    nipa_dept = agency_get_or_create(
        name="国家知识产权局知识产权运用促进司", region=national, side=Side.NIPA
    )
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
