"""The outside channels: SMTP e-mail and the WeCom/DingTalk group-robot webhook.

Each raises TransientDeliveryError for what a later attempt may fix (network, timeouts,
5xx, rate limits) and PermanentDeliveryError for what it will not (a refused address,
a robot that says the key is wrong).
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail


class TransientDeliveryError(Exception):
    pass


class PermanentDeliveryError(Exception):
    pass


# Robot error codes that mean "slow down", not "wrong": WeCom 45009, DingTalk 130101.
ROBOT_RATE_LIMITED = {45009, 130101}


def email_send(*, address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentDeliveryError(str(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientDeliveryError(str(exc)) from exc


def robot_payload(*, subject: str, body: str) -> dict[str, object]:
    """The text message both WeCom (企业微信) and DingTalk (钉钉) group robots accept."""
    return {"msgtype": "text", "text": {"content": f"{subject}\n{body}"}}


def webhook_send(*, address: str, subject: str, body: str) -> None:
    if not address.startswith(("https://", "http://")):
        raise PermanentDeliveryError(f"not an http(s) address: {address}")
    data = json.dumps(robot_payload(subject=subject, body=body), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        address, data=data, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 - scheme checked above  # nosec B310
            request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        ) as response:
            answer = response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise TransientDeliveryError(f"HTTP {exc.code}") from exc
        raise PermanentDeliveryError(f"HTTP {exc.code}") from exc
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        raise TransientDeliveryError(str(exc)) from exc
    _check_robot_answer(answer)


def _check_robot_answer(answer: bytes) -> None:
    try:
        errcode = int(json.loads(answer or b"{}").get("errcode", 0))
    except (ValueError, AttributeError):
        return  # not a robot's JSON answer: the HTTP status already said it arrived
    if errcode in ROBOT_RATE_LIMITED:
        raise TransientDeliveryError(f"robot rate limit {errcode}")
    if errcode != 0:
        raise PermanentDeliveryError(f"robot errcode {errcode}")
