"""Lockout by account and client address together: repeated failures lock a name from the
address they came from, never the account for everyone; the limits are unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from security.lockout import lockout_release, lockouts_active
from security.models import Kind, SecurityEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(username: str, password: str, *, ip: str, **extra: str):
    client = Client(REMOTE_ADDR=ip, **extra)
    return client.post("/accounts/login/", {"username": username, "password": password})


def _fail(username: str, *, ip: str, times: int, **extra: str) -> None:
    for _ in range(times):
        _login(username, "wrong-password", ip=ip, **extra)


def test_failures_from_one_address_do_not_lock_the_account_elsewhere() -> None:
    user = UserFactory(username="zhangsan")
    _fail(user.username, ip="203.0.113.9", times=settings.AXES_FAILURE_LIMIT)
    locked = _login(user.username, PASSWORD, ip="203.0.113.9")
    assert locked.status_code == 429 and "账户已暂时锁定" in locked.content.decode()
    # The owner, at the office, still logs in: a stranger cannot lock them out.
    assert _login(user.username, PASSWORD, ip="10.20.0.5").status_code == 302
    # And a colleague behind the attacker's address is not locked either.
    colleague = UserFactory(username="lisi")
    assert _login(colleague.username, PASSWORD, ip="203.0.113.9").status_code == 302


def test_failures_spread_over_addresses_do_not_add_up() -> None:
    user = UserFactory(username="wangwu")
    below = settings.AXES_FAILURE_LIMIT - 1
    _fail(user.username, ip="10.0.0.1", times=below)
    _fail(user.username, ip="10.0.0.2", times=below)
    assert _login(user.username, PASSWORD, ip="10.0.0.1").status_code == 302
    assert not SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT).exists()


def test_the_address_is_the_one_the_security_log_records(settings) -> None:
    """Behind our proxy every request comes from the proxy: the lock follows X-Forwarded-For,
    as the security log does, so one remote client does not lock the name for all."""
    settings.SECURITY_TRUST_X_FORWARDED_FOR = True
    user = UserFactory(username="zhaoliu")
    proxy = "172.16.0.2"
    _fail(
        user.username, ip=proxy, times=settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert (
        _login(user.username, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429
    )
    assert (
        _login(user.username, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="5.6.7.8").status_code == 302
    )
    locked = SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT)
    assert set(locked.values_list("ip", "username")) == {("1.2.3.4", "zhaoliu")}


def test_a_lock_ends_after_the_cool_off() -> None:
    user = UserFactory(username="sunqi")
    _fail(user.username, ip="10.0.0.7", times=settings.AXES_FAILURE_LIMIT)
    assert _login(user.username, PASSWORD, ip="10.0.0.7").status_code == 429
    long_ago = dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=long_ago)
    assert _login(user.username, PASSWORD, ip="10.0.0.7").status_code == 302


def test_the_locks_in_force_are_listed_per_account_and_address() -> None:
    locked, pending = UserFactory(username="locked1"), UserFactory(username="pending1")
    _fail(locked.username, ip="10.0.0.8", times=settings.AXES_FAILURE_LIMIT)
    _fail(locked.username, ip="10.0.0.9", times=1)
    _fail(pending.username, ip="10.0.0.8", times=settings.AXES_FAILURE_LIMIT - 1)
    _fail("nobody-such", ip="10.0.0.8", times=settings.AXES_FAILURE_LIMIT)
    locks = lockouts_active(users=get_user_model().objects.all())
    assert [(lock.user, lock.ip_address, lock.failures) for lock in locks] == [
        (locked, "10.0.0.8", settings.AXES_FAILURE_LIMIT)
    ]
    assert locks[0].until == locks[0].last_failure + settings.AXES_COOLOFF_TIME


def test_releasing_unlocks_every_address_and_is_logged() -> None:
    admin, user = UserFactory(username="admin1"), UserFactory(username="locked2")
    _fail(user.username, ip="10.0.0.10", times=settings.AXES_FAILURE_LIMIT)
    assert lockout_release(actor=admin, user=user) >= 1
    assert _login(user.username, PASSWORD, ip="10.0.0.10").status_code == 302
    entry = SecurityEvent.objects.get(kind=Kind.ADMINISTRATION)
    assert entry.user_id == admin.pk and entry.detail["target"] == "locked2"
    assert entry.detail["addresses"] == ["10.0.0.10"]


def test_releasing_an_account_that_is_not_locked_is_refused() -> None:
    admin, user = UserFactory(), UserFactory(username="free1")
    _fail(user.username, ip="10.0.0.11", times=settings.AXES_FAILURE_LIMIT - 1)
    with pytest.raises(ValidationError, match="free1"):
        lockout_release(actor=admin, user=user)
    assert AccessAttempt.objects.filter(username="free1").exists()  # nothing was cleared
    assert not SecurityEvent.objects.filter(kind=Kind.ADMINISTRATION).exists()
