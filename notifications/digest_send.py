"""The reminder pass: every item of the day (notifications/digest.py) to the people who must
act on it, as one digest (今日待办) per person — and per agency robot — per day: one bell
item that opens the list, one e-mail, one robot message.

Who: the liaisons and coordinators of the item's agency; for an escalated item also the
coordinators of the plan's lead agency (and its administrators, if the plan says so); the
robot of each of those agencies that has a webhook. When: at the plan's digest hour (a
person in several plans gets theirs at the earliest of them, with everything of the day),
or at once when a date is given by hand. Once: a person has one digest a day, and each item
key reaches each person once, ever (DigestEntry's unique key), whatever re-runs happen.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency, Membership, Role
from notifications.digest import DigestItem, digest_items, link_to
from notifications.models import (
    DEFAULT_DIGEST_HOUR,
    Digest,
    DigestEntry,
    EscalateTo,
    Kind,
    ReminderSettings,
)
from notifications.recipients import REPORTERS
from notifications.services import FanOut, Message, notifications_fan_out
from ops.bulk import bulk_insert_new
from ops.locks import advisory_lock
from plans.models import Plan

logger = logging.getLogger(__name__)

# An e-mail lists this many items, a robot message (WeCom/DingTalk cap their text) fewer;
# the rest are one click away on the digest page.
EMAIL_LISTED = 60
ROBOT_LISTED = 15


@dataclass
class PlanInfo:
    title: str
    lead_agency_id: int
    hour: int = DEFAULT_DIGEST_HOUR
    escalate_to: str = EscalateTo.COORDINATORS


# Values named per query when looking for what was sent before (`_slices`).
VALUES_PER_QUERY = 10_000


@dataclass
class Box:
    """One addressee's items of the day: a person (`user`) or an agency's robot."""

    user: AbstractBaseUser | None = None
    agency: Agency | None = None
    items: list[DigestItem] = field(default_factory=list)


@dataclass
class Routing:
    boxes: dict[str, Box]
    agencies: dict[int, Agency]
    nobody: int


def reminders_send(*, as_of: dt.date, hour: int | None = None) -> dict[str, int]:
    """The pass for `as_of`. With `hour`, only the addressees whose plans' digest hour has
    come (the hourly beat job); without, everyone (a run by hand). Returns the counts the
    job prints: items listed today, recipients (people and robots) sent a digest now,
    messages (bell items, e-mails, robot messages), items sent / skipped (sent before,
    waiting for their hour, or nobody to tell)."""
    items = list({item.key: item for item in digest_items(as_of=as_of)}.values())
    plans = _plans(plan_ids={item.plan_id for item in items})
    routing = _route(items=items, plans=plans)
    boxes = routing.boxes
    if hour is not None:
        boxes = {
            address: box
            for address, box in boxes.items()
            if min(plans[i.plan_id].hour for i in box.items) <= hour
        }
    with transaction.atomic():
        fresh = _new_items(boxes=boxes, as_of=as_of)
        digests = _digests_create(fresh=fresh, as_of=as_of)
        bulk_insert_new(model=DigestEntry, rows=_entry_rows(fresh=fresh, digests=digests))
        messages = _fan_out(fresh=fresh, digests=digests, plans=plans, routing=routing)
    if routing.nobody:
        logger.warning("%d reminder items had nobody to tell", routing.nobody)
    sent = len({item.key for box in fresh.values() for item in box.items})
    return {
        "items": len(items),
        "recipients": len(fresh),
        "messages": messages,
        "sent": sent,
        "skipped": len(items) - sent,
        "entries": sum(len(box.items) for box in fresh.values()),
        "waiting": len(routing.boxes) - len(boxes),
    }


def reminders_send_due_now(*, as_of: dt.date) -> dict[str, int]:
    """The hourly beat job: today, the digests whose hour has come; a past or future day
    given by hand, everything. Shares the reminders job's lock, so never runs beside it."""
    with advisory_lock("job:reminders") as acquired:
        if not acquired:
            return {"locked": 1}
        now = timezone.localtime()
        return reminders_send(as_of=as_of, hour=now.hour if as_of == now.date() else None)


def _plans(*, plan_ids: set[int]) -> dict[int, PlanInfo]:
    plans = {
        pk: PlanInfo(title, lead)
        for pk, title, lead in Plan.objects.filter(pk__in=plan_ids).values_list(
            "pk", "title", "lead_agency_id"
        )
    }
    for plan_id, hour, escalate_to in ReminderSettings.objects.filter(
        plan_id__in=plan_ids
    ).values_list("plan_id", "digest_hour", "escalate_to"):
        plans[plan_id].hour, plans[plan_id].escalate_to = hour, escalate_to
    return plans


def _route(*, items: list[DigestItem], plans: dict[int, PlanInfo]) -> Routing:
    """Each item into the box of everyone it goes to, in two queries."""
    agency_ids = {i.agency_id for i in items} | {plans[i.plan_id].lead_agency_id for i in items}
    members: dict[tuple[int, str], list[AbstractBaseUser]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            agency_id__in=agency_ids,
            role__in=[*REPORTERS, Role.ADMIN],
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    ):
        members[(membership.agency_id, membership.role)].append(membership.user)
    agencies = Agency.objects.only("pk", "name", "webhook_url").in_bulk(agency_ids)
    boxes: dict[str, Box] = {}
    nobody = 0
    for item in items:
        people = [u for role in REPORTERS for u in members[(item.agency_id, role)]]
        robots = [item.agency_id]
        if item.escalate:
            plan = plans[item.plan_id]
            lead = plan.lead_agency_id
            people += members[(lead, Role.COORDINATOR)]
            if plan.escalate_to == EscalateTo.WITH_ADMINS:
                people += members[(lead, Role.ADMIN)]
            robots.append(lead)
        addresses = {f"user:{u.pk}": Box(user=u) for u in people}
        addresses |= {
            f"robot:{a}": Box(agency=agencies[a]) for a in robots if agencies[a].webhook_url
        }
        nobody += not addresses
        for address, empty in addresses.items():
            boxes.setdefault(address, empty).items.append(item)
    return Routing(boxes=boxes, agencies=agencies, nobody=nobody)


def _new_items(*, boxes: dict[str, Box], as_of: dt.date) -> dict[str, Box]:
    """The boxes without a digest today, each with the items it was never sent."""
    if not boxes:
        return {}
    done_today = {
        addressee
        for addresses in _slices(sorted(boxes))
        for addressee in Digest.objects.filter(day=as_of, addressee__in=addresses).values_list(
            "addressee", flat=True
        )
    }
    keys = sorted({item.key for box in boxes.values() for item in box.items})
    sent_before = {
        pair
        for some in _slices(keys)
        for pair in DigestEntry.objects.filter(key__in=some).values_list("addressee", "key")
    }
    fresh = {}
    for address, box in boxes.items():
        if address in done_today:
            continue
        new = [item for item in box.items if (address, item.key) not in sent_before]
        if new:
            fresh[address] = Box(user=box.user, agency=box.agency, items=new)
    return fresh


def _slices(values: list[str]) -> Iterator[list[str]]:
    """`values` in lists short enough for one query's `__in`: a statement bound on the server
    (the prepared statements of DATABASE_PREPARED_STATEMENTS) takes at most 65,535
    parameters, and a national day has ~76,000 keys."""
    for start in range(0, len(values), VALUES_PER_QUERY):
        yield values[start : start + VALUES_PER_QUERY]


def _digests_create(*, fresh: dict[str, Box], as_of: dt.date) -> dict[str, Digest]:
    made = Digest.objects.bulk_create(
        [
            Digest(
                addressee=address,
                recipient=box.user,
                agency=box.agency,
                day=as_of,
                item_count=len(box.items),
            )
            for address, box in sorted(fresh.items())
        ],
        batch_size=2000,
    )
    return {digest.addressee: digest for digest in made}


def _entry_rows(*, fresh: dict[str, Box], digests: dict[str, Digest]) -> Iterable[dict]:
    for address, box in fresh.items():
        for item in box.items:
            yield {
                "digest_id": digests[address].pk,
                "addressee": address,
                "key": item.key,
                "kind": item.kind,
                "plan_id": item.plan_id,
                "agency_id": item.agency_id,
                "title": item.title[:300],
                "link": item.link[:300],
                "due_on": item.due_on,
                "escalated": item.escalate,
            }


def _fan_out(
    *,
    fresh: dict[str, Box],
    digests: dict[str, Digest],
    plans: dict[int, PlanInfo],
    routing: Routing,
) -> int:
    """One bell item, e-mail and robot message per digest; returns how many messages."""
    fan_outs = []
    messages = 0
    for address, box in fresh.items():
        digest = digests[address]
        count = len(box.items)
        title = ngettext("今日待办 %(count)d 项", "今日待办 %(count)d 项", count) % {"count": count}
        listed = ROBOT_LISTED if box.agency else EMAIL_LISTED
        text = _digest_text(box=box, plans=plans, agencies=routing.agencies, listed=listed)
        if box.user is not None:
            link = link_to("notifications:digest", digest.pk)
            summary = _plan_summary(box=box, plans=plans)
            fan_outs.append(
                FanOut(
                    dedupe_key=f"digest:{digest.pk}",
                    message=Message(Kind.DIGEST, title, summary, link),
                    users=[box.user],
                    outside_body=text,
                )
            )
            messages += 1 + bool(getattr(box.user, "email", ""))
        else:
            fan_outs.append(
                FanOut(
                    dedupe_key=f"digest:{digest.pk}",
                    message=Message(Kind.DIGEST, title, text),
                    users=[],
                    agencies=[box.agency],
                )
            )
            messages += 1
    notifications_fan_out(fan_outs=fan_outs)
    return messages


def _by_plan(box: Box, plans: dict[int, PlanInfo]) -> list[tuple[str, list[DigestItem]]]:
    groups: dict[int, list[DigestItem]] = defaultdict(list)
    for item in box.items:
        groups[item.plan_id].append(item)
    return sorted(((plans[pk].title, found) for pk, found in groups.items()), key=lambda g: g[0])


def _plan_summary(*, box: Box, plans: dict[int, PlanInfo]) -> str:
    return "\n".join(
        _("%(plan)s:%(count)d 项") % {"plan": title, "count": len(found)}
        for title, found in _by_plan(box, plans)
    )


def _digest_text(
    *, box: Box, plans: dict[int, PlanInfo], agencies: dict[int, Agency], listed: int
) -> str:
    """Plain text, grouped by plan: each item with its agency and full link. Built with
    gettext, not a template: a pass writes thousands."""
    site = settings.SITE_URL.rstrip("/")
    lines = [_("需要您处理的事项共 %(count)d 项:") % {"count": len(box.items)}]
    shown = 0
    escalated = _("【督办】")
    for title, found in _by_plan(box, plans):
        if shown == listed:
            break
        lines.append("")
        lines.append(f"【{title}】")
        for item in sorted(found, key=lambda i: (not i.escalate, i.agency_id, i.key)):
            if shown == listed:
                break
            shown += 1
            tag = escalated if item.escalate else ""
            lines.append(f"· {tag}{agencies[item.agency_id].name}:{item.title}")
            if item.link:
                lines.append(f"  {site}{item.link}")
    if shown < len(box.items):
        lines.append("")
        lines.append(
            _("另有 %(count)d 项未列出,请登录系统查看。") % {"count": len(box.items) - shown}
        )
    return "\n".join(lines)
