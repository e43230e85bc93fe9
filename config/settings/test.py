"""Tests run against real PostgreSQL and Redis, never SQLite (tests/conftest.py checks both)."""

from .base import *  # noqa: F403
from .base import env, postgres_options

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="test-only-not-a-secret")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/ipplan")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# The suite runs its queries the way production does: bound on the server, prepared.
postgres_options(DATABASES["default"])
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
# Jobs run in the test process once a transaction commits; the tests of the worker itself
# (tests/ops/test_faults.py) start a real `celery worker` against a Redis of their own.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# Fast hashing: tests create many users; the algorithm is not under test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/ipplan-test-media")  # noqa: S108 - test runs only  # nosec B108
DEMO_ALLOWED = True
# Off: most tests change data without committing, so the version would never move.
# tests/ops/test_page_cache.py turns it on and commits.
PAGE_CACHE_SECONDS = 0
# Static files straight from the finders: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
