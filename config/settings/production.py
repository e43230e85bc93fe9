"""Production: every secret and host comes from the environment, with no default.

`env.str("X")` without a default raises ImproperlyConfigured, so a deployment that
forgot SECRET_KEY, ALLOWED_HOSTS or DATABASE_URL refuses to start.
"""

from pythonjsonlogger.core import RESERVED_ATTRS

from .base import *  # noqa: F403
from .base import env, password_policy, postgres_options

DEBUG = False
# 等保2.0 level 2 unless the environment chooses otherwise (PASSWORD_POLICY=default).
PASSWORD_POLICY, PASSWORD_MAX_AGE_DAYS, AUTH_PASSWORD_VALIDATORS = password_policy(
    default="dengbao"
)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": postgres_options(env.db("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if env.str("DATABASE_REPLICA_URL", default=""):
    # A streaming replica for the dashboards' reads (config/db_router.py).
    DATABASES["replica"] = postgres_options(env.db("DATABASE_REPLICA_URL"))
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
REDIS_URL = env.str("REDIS_URL")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or REDIS_URL
# Several web processes share one throttle count: the cache lives in Redis.
CACHES = {
    "default": {
        # Django's, with one client per process (ops/redis_cache.py).
        "BACKEND": "ops.redis_cache.RedisCache",
        "LOCATION": env.str("CACHE_URL", default="") or REDIS_URL,
        # An unreachable (not stopped) Redis must not hang a request: a second, then the
        # cache counts as down and the page is built without it (ops/cache_safe.py).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

# Behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

# Uploaded files: local disk (MEDIA_ROOT, a volume) by default; S3-compatible object storage
# (MinIO, a cloud's OSS/COS) when FILE_STORAGE=s3, e.g. once there is more than one web machine.
if env.str("FILE_STORAGE", default="local") == "s3":
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID"),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": True,  # files are served only through checked views anyway
            "file_overwrite": False,
        },
    }

# One JSON object per log line on stdout (python-json-logger): time (ISO 8601, UTC), level,
# logger, message, any `extra=` fields (status_code, task_id, ...) and the exception's traceback.
# Django's request objects stay out of the line: their repr would carry query strings.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{levelname}{name}{message}",
            "style": "{",
            "rename_fields": {"levelname": "level", "name": "logger", "exc_info": "exception"},
            "timestamp": "time",
            "reserved_attrs": [*RESERVED_ATTRS, "request", "server_time"],
            "json_ensure_ascii": False,
        }
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        name: {"level": "WARNING"} for name in ("weasyprint", "weasyprint.progress", "fontTools")
    },
}

# Error reports go to Sentry only when a DSN is configured; no personal data is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
