"""Fixtures of the funnels tests: for the browser tests a real Chromium through Playwright,
against live_server; and the `frozen(moment)` marker of tests that need a fixed date."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """A real Chromium for the tests of one module.

    Playwright's sync API keeps an event loop running in this thread, which Django's ORM
    refuses unless DJANGO_ALLOW_ASYNC_UNSAFE is set; both last only as long as the module's
    tests, so other tests (and subprocesses they start) never see either.
    """
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with playwright_sync.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


class ConsoleWatch:
    """Collects console errors, page errors and CSP violations of a page."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.allowed: list[str] = []

    def attach(self, page: object) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))

    def _on_console(self, message: object) -> None:
        serious = message.type in ("error", "warning") or "Content-Security-Policy" in message.text
        if serious and not any(text in message.text for text in self.allowed):
            self.problems.append(f"console {message.type}: {message.text}")


@pytest.fixture
def console() -> Iterator[ConsoleWatch]:
    """Fails the test on any console error or CSP violation seen by the pages it opened."""
    watch = ConsoleWatch()
    yield watch
    assert watch.problems == []


@pytest.fixture
def new_page(chromium, live_server, console) -> Iterator[Callable[..., object]]:
    """A phone-sized page in a fresh browser context (nobody signed in, unless `cookies`)."""
    contexts = []

    def open_page(*, cookies: Sequence[dict[str, str]] = (), **context_options) -> object:
        context = chromium.new_context(viewport=PHONE, base_url=live_server.url, **context_options)
        if cookies:
            context.add_cookies(list(cookies))
        contexts.append(context)
        page = context.new_page()
        console.attach(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def signed_in_page(new_page, live_server) -> Callable[..., object]:
    """A phone-sized page in its own browser context, signed in as `user` by session cookie."""

    def open_page(user, **context_options) -> object:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
        return new_page(cookies=[cookie], **context_options)

    return open_page


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "frozen(moment): run at this moment (datetime or ISO text), the clock not ticking",
    )


@pytest.fixture(autouse=True)
def _frozen(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test marked `frozen(moment)` (itself or its module) runs at that moment; not ticking, so
    a token or session issued in the test stays valid for the moment it was issued at."""
    marker = request.node.get_closest_marker("frozen")
    if marker is None:
        yield
        return
    with time_machine.travel(marker.args[0], tick=False):
        yield
