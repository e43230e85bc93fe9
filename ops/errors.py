"""Errors every app raises the same way, and the middleware and API answer the same way."""

from __future__ import annotations

from django.http import Http404


class NotVisible(Http404):
    """A permission-scoped getter found nothing the user may see: the object is missing or
    outside their reach. Users get the same 404 either way; the security log records it as
    a refusal."""
