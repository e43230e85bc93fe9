"""督办 test helpers: notices are made through the service, as a coordinator would."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from supervision import services
from supervision.models import Level, NoticeRecipient, SupervisionNotice


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def issue(
    world, *, target=None, agencies=None, days: int = 10, level=Level.KEY
) -> SupervisionNotice:
    """A notice on task A1 to the Hainan commerce department, by the plan's coordinator."""
    return services.notice_issue(
        actor=world.users["coordinator"],
        target=target or world.a1,
        agency_ids=[a.pk for a in (agencies or [world.hainan_commerce])],
        subject="加快推进知识产权质押融资工作",
        reason="上半年进展滞后，未按期报送进展。",
        deadline=in_days(days),
        level=level,
    )


def recipient(notice: SupervisionNotice, agency) -> NoticeRecipient:
    return NoticeRecipient.objects.get(notice=notice, agency=agency)
