"""The password policy: the default profile, the 等保 profile's classes and expiry."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from security.models import Kind, PasswordState, SecurityEvent
from security.passwords import CharacterClassesValidator, character_classes
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DENGBAO = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "security.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "security.passwords.RecordPasswordChange"},
]


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdefgh", 1), ("abcdEFGH", 2), ("abcd1234", 2), ("Abcd1234!", 4), ("知识产权abc1", 3)],
)
def test_character_classes_are_counted(password: str, classes: int) -> None:
    assert character_classes(password) == classes


def test_the_dengbao_profile_refuses_short_or_simple_passwords(settings) -> None:
    settings.AUTH_PASSWORD_VALIDATORS = DENGBAO
    with pytest.raises(ValidationError) as short:
        validate_password("Ab1!short")
    assert any("12" in m for m in short.value.messages)
    with pytest.raises(ValidationError) as simple:
        validate_password("onlylowercaseletters")
    assert "至少 3 类" in " ".join(simple.value.messages)
    validate_password("Zhishi-Chanquan-2026")  # long enough, four classes


def test_the_validator_explains_itself_in_english_too() -> None:
    from django.utils import translation

    with translation.override("en"):
        text = CharacterClassesValidator(3).get_help_text()
    assert "3" in text and "character" in text.lower()


def test_setting_a_password_records_when_and_logs_it() -> None:
    user = UserFactory()
    long_ago = timezone.now() - dt.timedelta(days=400)
    PasswordState.objects.filter(user=user).update(changed_at=long_ago)
    changes = SecurityEvent.objects.filter(user_id=user.pk, kind=Kind.PASSWORD_CHANGED)
    before = changes.count()
    user.set_password("Another-Passw0rd")
    user.save()
    assert PasswordState.objects.get(user=user).changed_at > timezone.now() - dt.timedelta(
        minutes=1
    )
    assert changes.count() == before + 1


def test_a_password_changed_since_the_kept_deadline_lets_the_user_in(settings) -> None:
    """The session keeps the deadline; a change made in another session moves it on."""
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory()
    client = Client()
    client.force_login(user)
    session = client.session
    session["password_expires_at"] = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    session.save()
    assert client.get("/").status_code == 200  # changed when the factory set it: not expired


def test_an_htmx_request_with_an_expired_password_is_redirected_by_htmx(settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory()
    PasswordState.objects.filter(user=user).update(
        changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = Client()
    client.force_login(user)
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/accounts/password/"


def test_an_expired_password_must_be_changed_first(settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory()
    PasswordState.objects.filter(user=user).update(
        changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/accounts/password/").status_code == 200  # the way out stays open
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Zhishi-Chanquan-2026",
            "new_password2": "Zhishi-Chanquan-2026",
        },
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200


def test_without_expiry_an_old_password_is_not_asked_for(settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 0
    user = UserFactory()
    long_ago = timezone.now() - dt.timedelta(days=900)
    PasswordState.objects.filter(user=user).update(changed_at=long_ago)
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200


def _settings_with(policy: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.PASSWORD_MAX_AGE_DAYS, [v.get('OPTIONS') for v in s.AUTH_PASSWORD_VALIDATORS])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PASSWORD_POLICY": policy,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_the_dengbao_profile_is_chosen_in_settings_and_a_typo_refuses_to_start() -> None:
    dengbao = _settings_with("dengbao")
    assert dengbao.returncode == 0, dengbao.stderr
    assert dengbao.stdout.startswith("90 ") and "'min_length': 12" in dengbao.stdout
    assert "'min_classes': 3" in dengbao.stdout
    typo = _settings_with("dengbo")
    assert typo.returncode != 0 and "PASSWORD_POLICY" in typo.stderr


def _must_change(user) -> None:
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})


def test_a_temporary_password_must_be_changed_at_login_whatever_the_policy(settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 0
    user = UserFactory()
    _must_change(user)
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/password/"
    assert "临时密码" in response.content.decode()
    assert client.get("/", HTTP_HX_REQUEST="true")["HX-Redirect"] == "/accounts/password/"
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Zhishi-Chanquan-2026",
            "new_password2": "Zhishi-Chanquan-2026",
        },
    )
    assert changed.status_code == 302
    assert not PasswordState.objects.get(user=user).must_change
    assert client.get("/").status_code == 200


def test_setting_a_password_clears_the_temporary_mark() -> None:
    user = UserFactory()
    _must_change(user)
    user.set_password("Another-Passw0rd")
    user.save()
    assert not PasswordState.objects.get(user=user).must_change


def test_without_the_mark_a_login_goes_straight_in(settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 0
    user = UserFactory()
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "abababababab", "1a1a1a1a1a1a1a"])
def test_both_profiles_refuse_a_few_characters_repeated(settings, password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(password)  # the settings in use: the `default` profile
    assert "不同的字符" in " ".join(refused.value.messages)
    settings.AUTH_PASSWORD_VALIDATORS = [
        *DENGBAO,
        {"NAME": "security.passwords.DistinctCharactersValidator", "OPTIONS": {"min_distinct": 5}},
    ]
    with pytest.raises(ValidationError):
        validate_password(password)


def test_the_default_profile_still_takes_a_long_passphrase() -> None:
    validate_password("correct-horse-battery")


PRODUCTION_PROBE = (
    "import django;django.setup();from django.conf import settings as s;"
    "from django.contrib.auth.password_validation import validate_password as v;"
    "from django.core.exceptions import ValidationError as E\n"
    "def ok(p):\n"
    "    try: v(p)\n"
    "    except E: return 'refused'\n"
    "    return 'accepted'\n"
    "print(s.PASSWORD_POLICY, s.PASSWORD_MAX_AGE_DAYS,"
    " ok('aaaaaaaaaaaa'), ok('Zhishi-Chanquan-2026'))"
)


def _production(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-for-the-test-0123456789",
        "DJANGO_ALLOWED_HOSTS": "ipplan.example.gov.cn",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ipplan",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        **extra,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_defaults_to_the_dengbao_profile() -> None:
    result = _production()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["dengbao", "90", "refused", "accepted"]


def test_production_may_still_choose_the_default_profile() -> None:
    result = _production(PASSWORD_POLICY="default")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["default", "0", "refused", "accepted"]
