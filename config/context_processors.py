"""The header's links (templates/base.html): the same URLs on every page, reversed once.

`{% url %}` reverses on every render, ~20 µs a link; the header has eleven on every page.
They are constants of the URLconf and the script prefix, so they are reversed the first
time a page is rendered under those and looked up after that."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

# The key a template reads (`site_links.<key>`) and the URL name it stands for.
LINKS = {
    "home": "home",
    "plans": "plans:plan_list",
    "overview": "dashboards:overview",
    "mine": "dashboards:mine",
    "supervision": "supervision:inbox",
    "administration": "administration:home",
    "admin": "admin:index",
    "notifications": "notifications:list",
    "account": "password_change",  # 修改密码
    "logout": "logout",
    "set_language": "set_language",
    "search": "search:search",
}


def site_links(request: HttpRequest) -> dict[str, object]:
    urlconf = getattr(request, "urlconf", None) or get_urlconf() or settings.ROOT_URLCONF
    return {"site_links": _links(urlconf=urlconf, prefix=get_script_prefix())}


@cache
def _links(*, urlconf: str, prefix: str) -> dict[str, str]:
    # `prefix` is part of the key only: reverse() reads the current one itself.
    return {key: reverse(name, urlconf=urlconf) for key, name in LINKS.items()}
