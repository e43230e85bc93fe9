"""The Celery application: broker and backend come from settings (REDIS_URL)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("ipplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Jobs live in `<app>/jobs.py`, so the domain app `tasks` never clashes with Celery's `tasks`.
app.autodiscover_tasks(related_name="jobs")
