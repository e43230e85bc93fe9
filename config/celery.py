"""The Celery application: broker and backend come from settings (REDIS_URL)."""

import ctypes
import os

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("ipplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Jobs live in `<app>/jobs.py`, so the domain app `tasks` never clashes with Celery's `tasks`.
app.autodiscover_tasks(related_name="jobs")


@task_postrun.connect
def _give_memory_back(**kwargs: object) -> None:
    """What a job freed goes back to the system: glibc keeps freed heap for the process, so a
    worker process that once built a pack or read a large upload would stay that large.
    Recycling processes instead (worker_max_memory_per_child) is reported to leave a prefork
    worker deaf after a broker reconnect (celery/celery#7800, open)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, musl): nothing to give back this way
        return None


_LIBC = _libc()
