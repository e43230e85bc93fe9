"""A logged-in browser over HTTP: the login form with its CSRF token, then pages and forms."""

from __future__ import annotations

import re
from typing import Any

import requests

from faults.stack import LocalStack

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT = 30


class Browser:
    def __init__(self, stack: LocalStack, *, username: str, password: str) -> None:
        self.stack, self.username, self.password = stack, username, password
        self.http = stack.session()
        self.base = stack.base_url

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base}{path}"

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.url(path), timeout=TIMEOUT, **kwargs)

    def csrf_from(self, html: str) -> str:
        found = CSRF_INPUT.search(html)
        return found.group(1) if found else self.http.cookies.get("csrftoken", "")

    def login(self) -> requests.Response:
        page = self.get("/accounts/login/")
        page.raise_for_status()
        response = self.http.post(
            self.url("/accounts/login/"),
            data={
                "username": self.username,
                "password": self.password,
                "csrfmiddlewaretoken": self.csrf_from(page.text),
            },
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        if response.status_code != 302 or "sessionid" not in self.http.cookies:
            raise LoginFailed(f"{self.username}: {response.status_code}")
        return response

    def post_form(
        self, path: str, data: dict[str, Any], *, form_page: str | None = None, **kwargs: Any
    ) -> requests.Response:
        """POST with the CSRF token of `form_page` (default: the CSRF cookie, as a page's
        forms carry the same token)."""
        token = self.http.cookies.get("csrftoken", "")
        if form_page is not None or not token:
            token = self.csrf_from(self.get(form_page or path).text)
        return self.http.post(
            self.url(path),
            data={**data, "csrfmiddlewaretoken": token},
            timeout=TIMEOUT,
            allow_redirects=False,
            **kwargs,
        )


class LoginFailed(RuntimeError):
    pass


def api(stack: LocalStack, token: str) -> requests.Session:
    s = requests.Session()
    s.headers.update({"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"})
    return s
