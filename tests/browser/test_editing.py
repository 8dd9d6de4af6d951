"""Adding and editing statements in a real Chromium: messages beside fields, saving, the pages changing, history."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.db import Database
from tests.browser.conftest import ConsoleWatch, sign_in_page
from tests.conftest import DatabaseFactory, settings_for
from tests.support import XSS_PAYLOADS, LiveServer, make_user, store_xss_statements

POLAND_ROW = "table.matrix tr:has(th a[href^='/countries/PL'])"
QUOTE = "If a Russian drone is heading for Polish territory, we will shoot it down over Ukraine."


class Site:
    def __init__(self, server: LiveServer, database: Database) -> None:
        self.server = server
        self.url = server.url
        self.database = database


@pytest.fixture(scope="module")
def site(factories: dict[str, DatabaseFactory]) -> Iterator[Site]:
    """A seeded app of its own, with an editor, served for this module."""
    url = factories["sqlite"].create("seeded")
    database = Database.from_url(url)
    make_user(database, "editor@example.org")
    with LiveServer(settings_for(url)) as server:
        yield Site(server, database)
    database.dispose()


def _poland_october_title(page: Page, site: Site) -> str | None:
    page.goto(f"{site.url}/matrix?topic=intercept-over-ukraine&from=2024-01&to=2024-12")
    return page.locator(f"{POLAND_ROW} td a[aria-label^='Poland, Oct 2024:']").get_attribute("aria-label")


def test_add_with_a_mistake_correct_it_save_see_the_pages_change_then_edit(
    page: Page, site: Site, console: ConsoleWatch, screenshot_dir: Callable[[str], Path]
) -> None:
    console.allow_status(422)  # the first save is refused on purpose
    sign_in_page(page, site.url)
    cell_before = _poland_october_title(page, site)
    page.goto(f"{site.url}/countries/PL")
    expect(page.locator("main")).not_to_contain_text(QUOTE)

    page.get_by_role("link", name="Add statement").click()
    expect(page.locator("h1")).to_have_text("Add a statement")
    page.locator("#f-actor").press_sequentially("sikor", delay=30)  # search as you type
    suggestion = page.locator("#f-actor-suggestions button.suggestion")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("Radosław Sikorski")
    suggestion.click()
    expect(page.locator("#f-actor")).to_have_value("Radosław Sikorski")
    expect(page.locator("#f-country")).to_have_value("PL")
    expect(page.locator("#f-actor-note")).to_contain_text("On record: Radosław Sikorski")

    page.select_option("#f-topic", "intercept-over-ukraine")
    page.fill("#f-said_on", "2031-10-20")  # the mistake: a date in the future
    page.locator("#f-said_on").blur()
    expect(page.locator("#f-said_on-error")).to_have_text("Date: is in the future")  # checked inline
    expect(page.locator("#f-said_on")).to_have_attribute("aria-invalid", "true")
    page.fill("#f-quote", QUOTE)
    page.fill("#f-condition", "only if it heads for Polish territory")
    page.get_by_label("opposed or sceptical").check()
    page.fill("#f-source-0-url", "https://example.org/news/drone-policy")
    page.fill("#f-source-0-outlet", "Example News")
    page.fill("#f-source-0-title", "Poland on drones over Ukraine")
    page.get_by_role("button", name="Save statement").click()

    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("Nothing was saved")
    expect(summary).to_be_focused()
    expect(page.locator("#f-said_on-error")).to_have_text("Date: is in the future")
    expect(page.locator("#f-said_on")).to_have_attribute("aria-invalid", "true")
    # Everything else is as typed.
    expect(page.locator("#f-actor")).to_have_value("Radosław Sikorski")
    expect(page.locator("#f-quote")).to_have_value(QUOTE)
    expect(page.locator("#f-condition")).to_have_value("only if it heads for Polish territory")
    expect(page.locator("input[name=stance][value='-1']")).to_be_checked()
    expect(page.locator("#f-source-0-title")).to_have_value("Poland on drones over Ukraine")
    expect(page).to_have_url(f"{site.url}/statements/new")
    page.locator("fieldset:has(#f-said_on)").screenshot(path=str(screenshot_dir("add-statement.png")), caret="initial")

    page.fill("#f-said_on", "2024-10-20")
    page.locator("#f-said_on").blur()
    expect(page.locator("#f-said_on-error")).to_have_text("")
    expect(page.locator("#f-said_on")).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Save statement").click()
    expect(page).to_have_url(re.compile(r"/statements/\d+\?saved=new$"))
    expect(page.locator(".notice")).to_contain_text("Saved.")
    expect(page.locator("blockquote").first).to_contain_text(QUOTE)
    statement_url = page.url.split("?")[0]

    cell_after = _poland_october_title(page, site)
    assert cell_after != cell_before and cell_after is not None
    page.goto(f"{site.url}/countries/PL")
    expect(page.locator("main")).to_contain_text(QUOTE)

    page.goto(statement_url)
    page.get_by_role("link", name="Edit or retract").click()
    expect(page.locator("#f-quote")).to_have_value(QUOTE)
    page.get_by_label("firmly opposed").check()
    page.fill("#f-note", "The minister was firmer than first reported")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(r"/statements/\d+\?saved=edited$"))
    version = page.locator("#history #version-2")
    expect(version).to_contain_text("Version 2: edited")
    # An editor reads who by display name: email addresses are for admins.
    expect(version).to_contain_text(re.compile(r"by Editor \d+; The minister was firmer than first reported"))
    expect(version).not_to_contain_text("editor@example.org")
    expect(version.locator("table.diff tbody tr th")).to_have_text(["Stance"])
    expect(version.locator("table.diff tbody td")).to_have_text("\u22121 \u2192 \u22122")
    expect(page.locator("#history #version-1")).to_contain_text("Version 1: recorded")


def test_every_refused_field_wears_the_red_border_whatever_its_type(
    page: Page, site: Site, console: ConsoleWatch
) -> None:
    console.allow_status(422)
    sign_in_page(page, site.url)
    page.goto(f"{site.url}/statements/new")
    page.fill("#f-said_on", "2031-10-20")
    page.fill("#f-source-0-url", "not an address")
    page.get_by_role("button", name="Save statement").click()
    expect(page.locator("#form-errors")).to_contain_text("Nothing was saved")
    borders = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid="true"]')].map((el) =>
               [el.id, el.type || el.tagName, getComputedStyle(el).borderTopColor])"""
    )
    types = {kind for _, kind, _ in borders}
    assert {"date", "url", "textarea"} <= types, borders  # the date, the URL and the empty quote are refused
    assert [field for field, _, colour in borders if colour != "rgb(161, 0, 26)"] == []


def test_without_javascript_sources_are_added_and_the_statement_saved(page_without_js: Page, site: Site) -> None:
    page = page_without_js
    sign_in_page(page, site.url)
    page.goto(f"{site.url}/statements/new")
    page.fill("#f-actor", "kosiniak")
    page.get_by_role("button", name="Find").click()
    page.locator("#f-actor-suggestions button.suggestion").click()
    expect(page.locator("#f-actor")).to_have_value("Władysław Kosiniak-Kamysz")
    page.select_option("#f-topic", "no-fly-zone")
    page.fill("#f-said_on", "2024-10-21")
    page.fill("#f-quote", "A no-fly zone is not on the table for now.")
    page.get_by_label("neutral or ambiguous").check()
    page.fill("#f-source-0-url", "https://example.org/news/first")
    page.fill("#f-source-0-outlet", "First Outlet")
    page.fill("#f-source-0-title", "First report")
    page.get_by_role("button", name="Add another source").click()
    expect(page.locator("#f-source-1-url")).to_be_visible()
    expect(page.locator("#f-quote")).to_have_value("A no-fly zone is not on the table for now.")
    page.fill("#f-source-1-url", "https://example.org/news/second")
    page.fill("#f-source-1-outlet", "Second Outlet")
    page.fill("#f-source-1-title", "Second report")
    page.get_by_role("button", name="Save statement").click()
    expect(page).to_have_url(re.compile(r"/statements/\d+\?saved=new$"))
    expect(page.locator(".source-list li a")).to_have_text(["First report", "Second report"])


def test_markup_in_every_text_field_renders_as_text_and_no_dialog_fires(page: Page, site: Site) -> None:
    ids = store_xss_statements(site.database)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in_page(page, site.url)
    paths = [
        "/statements?country=EE",
        "/countries/EE",
        "/matrix?topic=intercept-over-ukraine&to=2024-10&cell=EE%3A2024-10",
        *[f"/statements/{statement_id}" for statement_id in ids],
        f"/statements/{ids[7]}/edit",
    ]
    for path in paths:
        page.goto(f"{site.url}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{site.url}/statements?country=EE")
    quotes = page.locator("#results article.statement blockquote").all_inner_texts()
    assert sorted(q.strip("“”") for q in quotes) == sorted(XSS_PAYLOADS)
    page.goto(f"{site.url}/statements/{ids[0]}")
    expect(page.locator(".statement__condition")).to_have_text(f"Condition: {XSS_PAYLOADS[0]}")
    expect(page.locator(".source-list cite, .source-list a").first).to_have_text(XSS_PAYLOADS[0])
    page.goto(f"{site.url}/statements/{ids[7]}/edit")
    expect(page.locator("#f-quote")).to_have_value(XSS_PAYLOADS[7])
    page.goto(f"{site.url}/statements/new")
    page.locator("#f-actor").press_sequentially("img src", delay=20)
    expect(page.locator("#f-actor-suggestions button.suggestion").first).to_contain_text(
        "<img src=x onerror=alert(1)> #1"
    )
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('[onerror], [onload], iframe, marquee').length") == 0
