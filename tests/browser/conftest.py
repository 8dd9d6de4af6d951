"""Real-browser fixtures: the app served by uvicorn on loopback, and Debian's Chromium driven by Playwright.

Without Chromium at /usr/bin/chromium these tests skip with the reason, unless IW_REQUIRE_BROWSER=1
(as in CI), where a missing browser fails the run instead. `playwright install` is never used.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import DatabaseFactory, settings_for
from tests.support import PASSWORD, LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live_server(factories: dict[str, DatabaseFactory]) -> Iterator[LiveServer]:
    """The seeded app, served for a module of browser tests (each module gets its own database)."""
    with LiveServer(settings_for(factories["sqlite"].create("seeded"))) as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
        if os.environ.get("IW_REQUIRE_BROWSER", "") not in ("", "0", "false"):
            pytest.fail(message + "; IW_REQUIRE_BROWSER is set, so they may not skip")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleWatch:
    """Console errors and uncaught page errors seen while a test ran.

    A test that asks for a 4xx on purpose calls `allow_status(code)`: the browser then logs
    "Failed to load resource" for it, which is expected; every other console error still fails.
    """

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: set[int] = set()

    def allow_status(self, code: int) -> None:
        self.allowed.add(code)

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        if message.type != "error":
            return
        text = message.text
        if any(f"status of {code} " in text for code in self.allowed) and text.startswith("Failed to load resource"):
            return
        self.errors.append(f"console {message.type}: {text}")

    def attach(self, page) -> None:  # type: ignore[no-untyped-def]
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


@pytest.fixture
def page(chromium, console: ConsoleWatch) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh page with JavaScript on; the test fails if any console error or page error occurred."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    console.attach(tab)
    yield tab
    context.close()
    assert console.errors == [], console.errors


@pytest.fixture
def page_without_js(chromium) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshot_dir() -> Callable[[str], Path]:
    # What the tests saw, kept for a look after a run; the README's own come from `make screenshots`.
    folder = Path(__file__).resolve().parents[2] / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return lambda name: folder / name


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def sign_in_page(page, base_url: str, email: str = "editor@example.org") -> None:  # type: ignore[no-untyped-def]
    """Signs a browser in through the sign-in form, and waits for the menu to show who is signed in."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/login")
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("nav")).to_contain_text(email)
