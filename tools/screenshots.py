"""The README's screenshots, taken in Chromium from the data `make run` serves (`make screenshots`).

Seeds everything in seeds/ into a fresh SQLite file, serves it on loopback, signs in as a temporary editor and
photographs the pages at desktop (1440 x 900) and phone (390 x 844) sizes into docs/screenshots/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import paths  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import Database  # noqa: E402
from app.interchange.seed import seed  # noqa: E402
from app.system import migrations  # noqa: E402
from tests.support import PASSWORD, LiveServer, make_user  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
EDITOR = "screenshots@example.org"
ARTICLE = paths.SEEDS / "articles" / "003_d2f775206a8009ab.txt"
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


def _sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#login-email", EDITOR)
    page.fill("#login-password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/**")


def _take(page: Page, name: str, *, whole: bool) -> None:
    """The whole page (desktop), or what the window shows as a reader arrives (a phone, or a spot on a page)."""
    path = OUT / name
    page.screenshot(path=str(path), full_page=whole)
    print(path.relative_to(ROOT))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/screenshots.sqlite3"
        migrations.upgrade(url)
        database = Database.from_url(url)
        with database.write() as session:
            seed(session=session, directory=paths.SEEDS)
        make_user(database, EDITOR)
        database.dispose()
        with LiveServer(Settings(database_url=url)) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for size, (width, height) in SIZES.items():
                phone = size == "phone"
                suffix = "-phone" if phone else ""
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                page.goto(f"{server.url}/matrix")
                _take(page, f"matrix{suffix}.png", whole=not phone)
                if phone:
                    page.locator("table.strip tr[data-country=PL] td a").last.click()
                    page.locator("table.strip section.evidence").wait_for()
                    page.locator("table.strip tr[data-country=PL]").scroll_into_view_if_needed()
                    page.evaluate("window.scrollBy(0, -60)")
                    _take(page, "matrix-phone-cell.png", whole=False)
                page.goto(f"{server.url}/countries/PL")
                _take(page, f"country{suffix}.png", whole=False)  # positions and the chart; the page runs on
                if phone:  # the chart at the phone's own size
                    page.evaluate("document.querySelector('#timeline').scrollIntoView()")
                    _take(page, "country-phone-chart.png", whole=False)
                page.goto(f"{server.url}/actors/radoslaw-sikorski")
                page.evaluate("document.querySelector('#changes-title').scrollIntoView()")
                _take(page, f"actor{suffix}.png", whole=False)
                _sign_in(page, server.url)
                page.goto(f"{server.url}/statements/extract")
                page.fill("#f-text", ARTICLE.read_text(encoding="utf-8"))
                page.get_by_role("button", name="Read the article").click()
                page.wait_for_selector("#found")
                # The heading and the first candidates, as the reader lands on them (the list runs on below).
                page.locator("#found").scroll_into_view_if_needed()
                _take(page, f"extraction{suffix}.png", whole=False)
                if not phone:
                    page.goto(f"{server.url}/statements/new")
                    page.fill("#f-said_on", "2031-10-20")
                    page.get_by_role("button", name="Save statement").click()
                    page.wait_for_selector("#form-errors")
                    page.locator("fieldset:has(#f-said_on)").screenshot(path=str(OUT / "add-statement.png"))
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
