"""Production settings whose collectstatic writes the manifest without compressing every file:
WhiteNoise's compression (gzip and Brotli of each asset) takes minutes on a small machine and
the fault suite never measures it. The web processes run config.settings.production itself,
which reads the same manifest (staticfiles.json)."""

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
