"""Browser journeys: Playwright for Python driving Debian's Chromium (/usr/bin/chromium, no
browser download) against pytest-django's live server, with the test database behind it.

Playwright's sync API keeps an event loop in the test's thread; the ORM calls the tests make
to set up and check data run in that same thread, so Django's async guard is lifted here
(and only here)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
# Screenshots of every main page, written on each run (CI keeps them as test output).
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "test-results/e2e"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # only while the browser runs
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            yield browser
            browser.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


class Session:
    """One user's browser: its own cookies, Chinese first, as a provincial office has it."""

    def __init__(self, browser: object, base_url: str, name: str) -> None:
        self.context = browser.new_context(  # type: ignore[attr-defined]
            base_url=base_url,
            locale="zh-CN",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        self.page = self.context.new_page()
        self.name = name

    def login(self, username: str, password: str) -> None:
        page = self.page
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_session(browser: object, live_server: object) -> Iterator[object]:
    sessions: list[Session] = []

    def opener(name: str) -> Session:
        session = Session(browser, live_server.url, name)  # type: ignore[attr-defined]
        sessions.append(session)
        return session

    yield opener
    for session in sessions:
        session.close()
