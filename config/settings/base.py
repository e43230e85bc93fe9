"""Settings shared by every environment; everything that differs comes from the environment.

With no environment at all this is the embedded default (see local.py): SQLite,
Celery eager, console e-mail. Production (production.py) has no default for any secret.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file is read only when asked for, so a stray file never changes a deployment silently.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
DEMO_ALLOWED = False  # only the local and test settings may load demo data

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "agencies",
    "plans",
    "tasks",
    "reports",
    "notifications",
    "dashboards",
    "supervision",
    "meetings",
    "search",
    "comparison",
    "evaluations",
    "administration",
    "devdata",
    "ops",
    "api",
    "security",
]

# The rules of higher apps that the task pages show (tasks/hooks.py): named here, where the
# apps are composed, so tasks imports nothing above it.
TASKS_NEXT_REPORT_DUE = "reports.selectors.next_report_due"
# Where the reminder digest finds its items (notifications/digest.py): every source is
# `(*, as_of: date) -> Iterable[DigestItem]`; 督办 adds its own from above notifications.
REMINDER_ITEM_SOURCES = [
    "notifications.reminders.report_items",
    "notifications.reminders.work_item_items",
    "supervision.reminders.supervision_items",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the settings' policy written once (security/csp.py).
    "security.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user read in the session's own query (security/sessions.py).
    "security.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A control character in any parameter or body string: a 400 before any view runs.
    "security.inputs.InputCheckMiddleware",
    "security.middleware.SessionLifetimeMiddleware",
    "security.middleware.SecurityLogMiddleware",
    "security.middleware.PasswordExpiryMiddleware",
    # Last, as django-axes asks: it turns a lockout into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

# The commonest form templates written in Python, with Django's own HTML (ops/forms.py).
FORM_RENDERER = "ops.forms.FormRenderer"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "notifications.context_processors.bell",
                "agencies.context_processors.roles",
                "config.context_processors.site_links",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# PostgreSQL checks every this many seconds, while it runs a query, that the client is still
# there: a worker killed mid-query has its query cancelled and its locks (its job's lease)
# freed within seconds, not when the query would have ended. Needs PostgreSQL 14 or later;
# 0 turns it off (an older server refuses connections that ask for it).
DATABASE_CLIENT_CHECK_SECONDS = env.int("DATABASE_CLIENT_CHECK_SECONDS", default=10)


# Server-side parameter binding with prepared statements: a query a worker runs again is not
# parsed again, and not planned again once PostgreSQL keeps its generic plan (planning the
# task page's larger queries takes 1–1.5 ms, as long as running them). PostgreSQL still plans
# again, with each run's values, a statement whose generic plan it costs higher: 我的任务's
# tasks are one, and faster for it; where that planning buys nothing, a compiled query can
# ask for the generic plan (ops/compiled.py; docs/performance.md, "Tenth round"). Turn it off
# behind a connection pooler in transaction mode that cannot keep a connection's prepared
# statements (PgBouncer before 1.21).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)


def postgres_options(database: dict) -> dict:
    """`database` (a DATABASES entry) with PostgreSQL told to notice a dead client, and with
    prepared statements, as the two settings above say."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        return database
    options = database.setdefault("OPTIONS", {})
    if DATABASE_CLIENT_CHECK_SECONDS:
        interval = DATABASE_CLIENT_CHECK_SECONDS * 1000  # milliseconds
        setting = f"-c client_connection_check_interval={interval}"
        options["options"] = f"{options.get('options', '')} {setting}".strip()
    if DATABASE_PREPARED_STATEMENTS:
        options["server_side_binding"] = True
        # psycopg prepares a statement the fifth time a connection runs it (its default;
        # Django turns it off unless asked).
        options["prepare_threshold"] = 5
    return database


postgres_options(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Dashboards may read from a replica (config/db_router.py); with none configured, no change.
DATABASE_ROUTERS = ["ops.db_router.ReplicaRouter"]

# The password policy (security/passwords.py). `default`, or `dengbao` for a deployment
# assessed under 等保2.0 level 2: longer passwords of three character classes that expire.
# Both refuse a password of a few characters repeated (`aaaaaaaaaaaa`). Production's default
# is `dengbao` (production.py); the embedded default and the tests use `default`.
PASSWORD_PROFILES: dict[str, dict[str, int]] = {
    "default": {"min_length": 10, "min_classes": 1, "min_distinct": 5, "max_age_days": 0},
    "dengbao": {"min_length": 12, "min_classes": 3, "min_distinct": 5, "max_age_days": 90},
}


def password_policy(*, default: str) -> tuple[str, int, list[dict[str, Any]]]:
    """PASSWORD_POLICY, PASSWORD_MAX_AGE_DAYS and AUTH_PASSWORD_VALIDATORS for the profile the
    environment names (`default` when it names none); an unknown profile refuses to start."""
    policy = env.str("PASSWORD_POLICY", default=default)
    if policy not in PASSWORD_PROFILES:
        raise ImproperlyConfigured(
            f"PASSWORD_POLICY must be one of {', '.join(PASSWORD_PROFILES)}: {policy!r}"
        )
    profile = PASSWORD_PROFILES[policy]
    max_age = env.int("PASSWORD_MAX_AGE_DAYS", default=profile["max_age_days"])
    min_length = env.int("PASSWORD_MIN_LENGTH", default=profile["min_length"])
    validators = [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": min_length},
        },
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        {
            "NAME": "security.passwords.CharacterClassesValidator",
            "OPTIONS": {"min_classes": profile["min_classes"]},
        },
        {
            "NAME": "security.passwords.DistinctCharactersValidator",
            "OPTIONS": {"min_distinct": profile["min_distinct"]},
        },
        {"NAME": "security.passwords.RecordPasswordChange"},
    ]
    return policy, max_age, validators


PASSWORD_POLICY, PASSWORD_MAX_AGE_DAYS, AUTH_PASSWORD_VALIDATORS = password_policy(
    default="default"
)
# The security log (security/models.py) keeps entries this long; the database refuses to
# delete any younger than 180 days whatever this says.
SECURITY_LOG_RETENTION_DAYS = env.int("SECURITY_LOG_RETENTION_DAYS", default=365)
# Only behind our own reverse proxy, which sets X-Forwarded-For itself.
SECURITY_TRUST_X_FORWARDED_FOR = env.bool("SECURITY_TRUST_X_FORWARDED_FOR", default=False)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "security.backends.AccountBackend",
    # Only for sessions signed in before AccountBackend (they name this one): a password is
    # never checked twice (security/backends.py).
    "django.contrib.auth.backends.ModelBackend",
]
# Repeated failures lock one account from one client address (security.services.client_ip,
# the address the security log records) for a while: offices share one NAT address, so
# locking the address would lock the office; locking the account alone would let anyone
# lock a known account from anywhere. An administrator unlocks at 管理 → 登录锁定.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# One idea of the client's address for the lockout and the security log alike.
AXES_CLIENT_IP_CALLABLE = "security.services.client_ip"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Chinese first: zh-hans is the default, English the second language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Evidence files (佐证材料): the largest accepted upload.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The plan importer's limits (导入方案): a document over one is refused with a message naming it.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_DOCX_UNCOMPRESSED_BYTES = env.int(
    "IMPORT_MAX_DOCX_UNCOMPRESSED_BYTES", default=30 * 1024 * 1024
)
IMPORT_MAX_DOCX_MEMBERS = env.int("IMPORT_MAX_DOCX_MEMBERS", default=200)
IMPORT_MAX_PARAGRAPHS = env.int("IMPORT_MAX_PARAGRAPHS", default=20_000)
IMPORT_MAX_LINE_CHARS = env.int("IMPORT_MAX_LINE_CHARS", default=20_000)
IMPORT_MAX_TASKS = env.int("IMPORT_MAX_TASKS", default=2_000)
# A document larger than this (bytes of the upload or the pasted text) is parsed by a
# background job with progress, never by a web worker: a web request parses at most this much.
IMPORT_INLINE_MAX_BYTES = env.int("IMPORT_INLINE_MAX_BYTES", default=512 * 1024)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# SMTP: the usual Django settings, from the environment.
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# Celery: JSON only, and jobs are enqueued after commit (see the jobs modules).
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# In seconds (30 and 25 minutes): the soft limit lets a job clean up, the hard one kills it.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
if not 60 <= CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT:
    # 25 and 30 read as minutes once: every long job was killed after half a minute.
    raise ImproperlyConfigured(
        "CELERY_TASK_SOFT_TIME_LIMIT and CELERY_TASK_TIME_LIMIT are seconds: the soft limit "
        "at least 60 and below the hard one "
        f"(got {CELERY_TASK_SOFT_TIME_LIMIT} and {CELERY_TASK_TIME_LIMIT})"
    )
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Idempotent jobs acknowledge only when done: a worker that dies mid-job leaves the message
# to be delivered again (after the visibility timeout), and the job runs again from the start.
CELERY_TASK_ACKS_LATE = False  # set per job, on those that are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job whose worker died is found by its lease (a PostgreSQL advisory lock, freed with the
# dead worker's connection) and queued again within a minute or two (ops/runner.py); the
# broker's own redelivery after the visibility timeout is only the backstop, sized to the
# longest a job may run (the hard time limit) plus a margin.
JOB_RECOVERY_EVERY_MINUTES = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 5 * 60
    ),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# A save must not hang when Redis is down: fail fast, and the outbox keeps the message.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_RESULT_EXPIRES = 24 * 60 * 60

# Reminders (催报): calendar days before the due date, then every N working days after it;
# from the Nth overdue reminder on, the plan's lead agency's coordinators are told too.
REMINDER_DAYS_BEFORE = env.list("REMINDER_DAYS_BEFORE", cast=int, default=[7, 1])
REMINDER_OVERDUE_EVERY_WORKDAYS = env.int("REMINDER_OVERDUE_EVERY_WORKDAYS", default=3)
REMINDER_ESCALATE_FROM_OVERDUE = env.int("REMINDER_ESCALATE_FROM_OVERDUE", default=2)
# Corrections to the official calendar (ISO dates), e.g. a year the library does not know yet.
WORKDAYS_EXTRA_HOLIDAYS = env.list("WORKDAYS_EXTRA_HOLIDAYS", default=[])
WORKDAYS_EXTRA_WORKDAYS = env.list("WORKDAYS_EXTRA_WORKDAYS", default=[])
# Robot webhooks (企业微信/钉钉) and e-mail: how long one attempt may take.
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=5)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

REST_FRAMEWORK = {
    # Token first: a refused token answers 401 with WWW-Authenticate; without an
    # Authorization header it steps aside for the browser's session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_TOKEN_RATE", default="600/minute")},
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    # DRF's, with orjson for the lists built of plain values (api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "知识产权强省共建方案跟踪 API",
    "DESCRIPTION": "供各省知识产权局业务系统读取方案数据、报送进展。"
    "认证:浏览器会话,或管理员签发的访问令牌(Authorization: Bearer ipp_…)。"
    "修改状态须带 If-Match。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Throttling counts in the cache: shared through Redis wherever one is configured. The cache
# is never needed for correctness: when it does not answer, reads miss, writes are skipped
# and the throttle lets calls through (ops/cache_safe.py), and for this long after a failure
# it is not asked again (an unreachable Redis would cost its connect timeout on every call).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5.0)
# How long a rendered page may be served again to its viewer (ops/page_cache.py); every
# write moves the data version on sooner. Bounds staleness when a read replica lags.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=120)

# Sessions live in the database, never in the cache: a login must work while Redis is down.
# Database sessions with their user's id as a column, so one compiled read brings the session
# and its user (security/sessions.py).
SESSION_ENGINE = "security.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# The age counts from the last use (an idle timeout), refreshed by security/middleware.py once
# a minute at most: saving on every request wrote a database row for every page read.
SESSION_SAVE_EVERY_REQUEST = False
# However active, a session ends this long after its login (security/middleware.py).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
if SESSION_ABSOLUTE_SECONDS < SESSION_COOKIE_AGE:
    raise ImproperlyConfigured(
        "SESSION_ABSOLUTE_SECONDS must be at least SESSION_IDLE_SECONDS "
        f"(got {SESSION_ABSOLUTE_SECONDS} and {SESSION_COOKIE_AGE})"
    )
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts and images
# only from this site, no inline script, nothing framed. The pages are written for it (htmx's
# inline styles are off, charts read their data from json_script blocks, Swagger UI loads its
# init script as a file). No nonce: the policy never asks for one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every step of a PDF at INFO: keep their warnings only.
    "loggers": {
        name: {"level": "WARNING"} for name in ("weasyprint", "weasyprint.progress", "fontTools")
    },
}
