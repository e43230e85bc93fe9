"""The demo's people, one login each, all with the published demo password.

For each plan: an administrator (管理员, a role in the lead agency, not Django staff), a
coordinator and a secretary of the lead agency, and a liaison for every agency that owes
reports. For NIPA: an administrator, a user for each of two departments and a viewer. And
the operator, the one Django superuser, for Django admin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser

from agencies.models import Agency, Membership, Role
from agencies.reference import NIPA, NIPA_UNITS
from plans.models import Plan
from tasks.models import Responsibility

DEMO_PASSWORD = "ipplan-demo-2026"  # noqa: S105 - a published demo login, never in production  # nosec B105
OPERATOR = "operator"  # printed as the role of the Django superuser

NIPA_PROMOTION = "国家知识产权局知识产权运用促进司"  # 运用促进司
NIPA_PROTECTION = "国家知识产权局知识产权保护司"  # 保护司


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


@dataclass
class Cast:
    """A plan's people: who administers, coordinates, keeps the committee, reports."""

    plan: Plan
    admin: AbstractUser
    coordinator: AbstractUser
    secretary: AbstractUser
    liaisons: dict[int, AbstractUser] = field(default_factory=dict)  # agency id → liaison
    logins: list[DemoLogin] = field(default_factory=list)


class People:
    """Creates the demo users once; a second load finds them and changes nothing."""

    def __init__(self) -> None:
        # One hash for every demo user: they share the published password, and hashing it
        # ninety times would take half a minute of `make demo`.
        self.password_hash = make_password(DEMO_PASSWORD)

    def user(
        self, *, username: str, agency: Agency, role: str, logins: list[DemoLogin]
    ) -> AbstractUser:
        name = f"{agency.short_name or agency.name}{Role(role).label}"[:150]
        user, _created = get_user_model().objects.get_or_create(
            username=username, defaults={"password": self.password_hash, "first_name": name}
        )
        if user.is_staff or user.is_superuser:  # an older demo made its admin a superuser
            get_user_model().objects.filter(pk=user.pk).update(is_staff=False, is_superuser=False)
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
        logins.append(DemoLogin(role=str(role), username=username, password=DEMO_PASSWORD))
        return user

    def cast(self, *, plan: Plan, prefix: str) -> Cast:
        office, logins = plan.lead_agency, []
        cast = Cast(
            plan=plan,
            admin=self.user(username=f"{prefix}_admin", agency=office, role=Role.ADMIN,
                            logins=logins),
            coordinator=self.user(username=f"{prefix}_coordinator", agency=office,
                                  role=Role.COORDINATOR, logins=logins),
            secretary=self.user(username=f"{prefix}_secretary", agency=office,
                                role=Role.SECRETARY, logins=logins),
        )  # fmt: skip
        for n, agency in enumerate(reporting_agencies(plan), start=1):
            username = f"{prefix}_liaison" if n == 1 else f"{prefix}_liaison{n}"
            cast.liaisons[agency.pk] = self.user(
                username=username, agency=agency, role=Role.LIAISON, logins=logins
            )
        cast.logins = logins
        return cast

    def nipa(self, *, logins: list[DemoLogin]) -> dict[str, AbstractUser]:
        """NIPA's administrator, the users of 运用促进司 and 保护司, and a viewer (who reads
        every province's plan)."""
        agencies = {a.name: a for a in Agency.objects.filter(name__in=[NIPA, *NIPA_UNITS])}
        people = [
            ("nipa_admin", NIPA, Role.ADMIN),
            ("nipa_promotion", NIPA_PROMOTION, Role.LIAISON),
            ("nipa_protection", NIPA_PROTECTION, Role.LIAISON),
            ("nipa_viewer", NIPA_PROMOTION, Role.VIEWER),
        ]
        return {
            username: self.user(username=username, agency=agencies[name], role=role, logins=logins)
            for username, name, role in people
        }

    def operator(self, *, logins: list[DemoLogin]) -> AbstractUser:
        """The operator runs the installation from Django admin: the demo's one superuser."""
        user, _created = get_user_model().objects.get_or_create(
            username=OPERATOR,
            defaults={"password": self.password_hash, "is_staff": True, "is_superuser": True},
        )
        logins.append(DemoLogin(role=OPERATOR, username=OPERATOR, password=DEMO_PASSWORD))
        return user


def looks_collective(agency: Agency) -> bool:
    """A collective unit (各市县, …各成员单位, …专项小组成员) is a group nobody logs in for.
    The importer marks them (`is_collective`); a plan imported before it did is read by name."""
    name = agency.name
    return agency.is_collective or "各" in name or name.endswith(("成员", "成员单位"))


def reporting_agencies(plan: Plan) -> list[Agency]:
    """The agencies that owe the plan's reports, in the order the plan first names them."""
    found: dict[int, Agency] = {}
    for duty in (
        Responsibility.objects.filter(task__plan=plan)
        .owing_reports()
        .select_related("agency")
        .order_by("task__number", "order")
    ):
        if duty.agency_id not in found and not looks_collective(duty.agency):
            found[duty.agency_id] = duty.agency
    return list(found.values())
