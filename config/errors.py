"""The 500 handler: a database that cannot be reached answers 503 "try again shortly".

While PostgreSQL restarts (maintenance, a failover) every request fails the same way, in a
view or already in a middleware (the session, the user). Django hands each such failure to
this handler with the exception still being handled, so one place tells an outage (503, with
Retry-After, which browsers, proxies and API clients understand as "come back") from a bug
(500, logged as today). Nothing here touches the database.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as default_server_error

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if not isinstance(exc, UNAVAILABLE):
        return default_server_error(request)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": "数据库暂时无法访问，请稍后重试 / the database is unavailable: try again"},
            status=503,
        )
    else:
        # A static page: rendering the site's layout would ask the database for the user.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
