"""Reading an article in a real Chromium: paste it, check the candidates, use one, save it, see the matrix change."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.db import Database
from app.interchange.seed import ensure_countries_and_topics
from tests.browser.conftest import ConsoleWatch, sign_in_page
from tests.conftest import DatabaseFactory, settings_for
from tests.extraction.quality import SEED_ARTICLES
from tests.support import LiveServer, make_user

ARTICLE = (
    "Warsaw ready to act over Ukraine\n\n"
    "Polish Prime Minister Donald Tusk said on Monday that Poland would “shoot down any Russian drone heading for "
    "our territory, even over Ukraine, if NATO agrees”.\n\n"
    "Foreign Minister Radosław Sikorski told reporters in Brussels that the allies were discussing the idea."
)
POLAND_OCTOBER = "table.matrix tr:has(th a[href^='/countries/PL']) td a[aria-label^='Poland, Oct 2024:']"
POLAND_JULY = "table.matrix tr:has(th a[href^='/countries/PL']) td a[aria-label^='Poland, Jul 2024:']"
SEED_ARTICLE = SEED_ARTICLES / "000_3afb4bedce24c383.txt"
SEED_ARTICLE_PAGE = "https://www.pravda.com.ua/eng/news/2024/08/4/7468905/"


@pytest.fixture(scope="module")
def site(factories: dict[str, DatabaseFactory]) -> Iterator[LiveServer]:
    url = factories["sqlite"].create("seeded")
    database = Database.from_url(url)
    make_user(database, "editor@example.org")
    database.dispose()
    with LiveServer(settings_for(url)) as server:
        yield server


@pytest.fixture(scope="module")
def new_site(factories: dict[str, DatabaseFactory]) -> Iterator[LiveServer]:
    """An app with the countries and topics, and no actor or statement yet."""
    url = factories["sqlite"].create("empty")
    database = Database.from_url(url)
    with database.write() as session:
        ensure_countries_and_topics(session=session)
    make_user(database, "editor@example.org")
    database.dispose()
    with LiveServer(settings_for(url)) as server:
        yield server


def test_a_seed_article_read_used_and_saved_puts_poland_on_the_matrix(page: Page, new_site: LiveServer) -> None:
    sign_in_page(page, new_site.url)
    page.goto(f"{new_site.url}/matrix?topic=intercept-over-ukraine&from=2024-01&to=2024-12")
    expect(page.locator("table.matrix tr:has(th a[href^='/countries/PL'])")).to_contain_text("no statement on record")
    expect(page.locator(POLAND_JULY)).to_have_count(0)

    page.get_by_role("link", name="Read an article").click()
    page.fill("#f-text", SEED_ARTICLE.read_text(encoding="utf-8"))
    page.fill("#f-url", SEED_ARTICLE_PAGE)
    page.fill("#f-outlet", "Ukrainska Pravda")
    page.fill("#f-title", "Zelenskyy wants coalition of NATO countries to shoot down missiles over Ukraine")
    page.fill("#f-published_on", "2024-08-04")
    page.get_by_role("button", name="Read the article").click()

    tusk = page.locator("li.candidate", has_text="Donald Tusk")
    expect(tusk.locator(".statement__who")).to_contain_text("Donald Tusk, Prime Minister (Poland)")
    expect(tusk.locator(".statement__who .tag")).to_have_text("not on record yet")
    expect(tusk.locator("blockquote mark")).to_have_text("would require NATO's involvement and approval")
    expect(tusk.locator("time")).to_have_text(re.compile(r"8\sJul\s2024"))
    tusk.get_by_role("button", name=re.compile("^Use")).click()

    expect(page.locator("#prefilled")).to_be_visible()
    expect(page.locator("#f-actor")).to_have_value("Donald Tusk")
    expect(page.locator("#f-country")).to_have_value("PL")
    expect(page.locator("#f-office")).to_have_value("Prime Minister")
    expect(page.locator("#f-said_on")).to_have_value("2024-07-08")
    expect(page.locator("#f-source-0-url")).to_have_value(SEED_ARTICLE_PAGE)
    page.get_by_label("conditional support or open to it").check()
    page.get_by_role("button", name="Save statement").click()
    expect(page).to_have_url(re.compile(r"/statements/\d+\?saved=new$"))

    page.goto(f"{new_site.url}/matrix?topic=intercept-over-ukraine&from=2024-01&to=2024-12")
    expect(page.locator(POLAND_JULY)).to_have_attribute("aria-label", re.compile(r"Poland, Jul 2024: .*\+1"))


def _october_cell(page: Page, site: LiveServer) -> str | None:
    page.goto(f"{site.url}/matrix?topic=intercept-over-ukraine&from=2024-01&to=2024-12")
    return page.locator(POLAND_OCTOBER).get_attribute("aria-label")


def test_a_known_speaker_s_office_that_day_dismissing_and_the_report_date(
    page: Page, site: LiveServer, console: ConsoleWatch, screenshot_dir: Callable[[str], Path]
) -> None:
    sign_in_page(page, site.url)
    before = _october_cell(page, site)
    page.get_by_role("link", name="Read an article").click()
    expect(page.locator("h1")).to_have_text("Read an article")
    expect(page.locator("#f-text")).to_be_focused()
    page.fill("#f-text", ARTICLE)
    page.fill("#f-url", "https://example.org/warsaw-ready")
    page.fill("#f-outlet", "Example News")
    page.fill("#f-published_on", "2024-10-23")
    page.get_by_role("button", name="Read the article").click()

    expect(page.locator("#found-title")).to_have_text("2 statements found in “Warsaw ready to act over Ukraine”")
    tusk, sikorski = page.locator("li.candidate").all()
    expect(tusk.locator(".statement__who")).to_contain_text("Donald Tusk, Prime Minister of Poland")
    expect(tusk.locator("blockquote mark")).to_have_text("if NATO agrees")
    expect(tusk.locator("time")).to_have_text(re.compile(r"21\sOct\s2024"))
    page.screenshot(path=str(screenshot_dir("extraction.png")), full_page=True)

    # Dismissing hides a candidate, and ticking again brings it back.
    sikorski.get_by_label("Dismiss candidate 2").check()
    expect(sikorski.locator("article")).to_be_hidden()
    expect(sikorski).to_contain_text("Candidate 2 (Radosław Sikorski) dismissed")

    tusk.get_by_role("button", name="Use candidate 1").click()
    expect(page.locator("h1")).to_have_text("Add a statement")
    expect(page.locator("#prefilled")).to_contain_text("Filled in from the article")
    expect(page.locator("#f-actor")).to_have_value("Donald Tusk")
    expect(page.locator("#f-office")).to_have_value("Prime Minister of Poland")
    expect(page.locator("#f-said_on")).to_have_value("2024-10-21")
    expect(page.locator("#f-condition")).to_have_value("if NATO agrees")
    expect(page.locator("#f-source-0-url")).to_have_value("https://example.org/warsaw-ready")
    expect(page.locator("#f-source-0-title")).to_have_value("Warsaw ready to act over Ukraine")
    expect(page.locator("input[name=stance][value='2']")).to_be_focused()

    page.get_by_label("conditional support or open to it").check()
    page.get_by_role("button", name="Save statement").click()
    expect(page).to_have_url(re.compile(r"/statements/\d+\?saved=new$"))
    expect(page.locator("blockquote").first).to_contain_text("shoot down any Russian drone heading for our territory")

    after = _october_cell(page, site)
    assert after is not None and after != before
