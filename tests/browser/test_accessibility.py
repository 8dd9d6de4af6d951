"""Every page type at phone (390 x 844) and desktop (1440 x 900) sizes, on the whole dataset: axe-core finds no
serious or critical violation, the page body never scrolls sideways, an opened cell's evidence lies inside the
window, and nothing is logged to the console (the `page` fixture fails on any console error).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from app.db import Database
from tests.browser.audit import SIZES, axe_violations, body_overflow, outside_viewport
from tests.browser.conftest import ConsoleWatch, sign_in_page
from tests.conftest import DatabaseFactory, settings_for
from tests.support import LiveServer, make_user

READER_PAGES = (
    "/matrix",
    "/matrix?from=2024-01&to=2024-12&cell=PL:2024-09",
    "/statements",
    "/statements?country=PL&topic=intercept-over-ukraine",
    "/statements/1",
    "/countries/PL",
    "/countries/NATO",
    "/actors/radoslaw-sikorski",
    "/methodology",
    "/login",
    "/no-such-page",
)
EDITOR_PAGES = ("/statements/new", "/statements/1/edit", "/statements/extract", "/account")


@pytest.fixture(scope="module")
def site(factories: dict[str, DatabaseFactory]) -> Iterator[LiveServer]:
    """The whole dataset, as `make run` serves it, with an editor."""
    url = factories["sqlite"].create("dataset")
    database = Database.from_url(url)
    make_user(database, "editor@example.org")
    database.dispose()
    with LiveServer(settings_for(url)) as server:
        yield server


def _check(page: Page, problems: dict[str, object], path: str) -> None:
    found: dict[str, object] = {}
    if (overflow := body_overflow(page)) > 0:
        found["overflow_px"] = overflow
    if violations := axe_violations(page):
        found["axe"] = violations
    if clipped := outside_viewport(page, "main section.evidence, main article.statement, main h1, main h2"):
        found["outside_the_window"] = clipped
    if found:
        problems[path] = found


@pytest.mark.parametrize("size", SIZES)
def test_every_page_type_passes_at_this_size(page: Page, site: LiveServer, console: ConsoleWatch, size: str) -> None:
    console.allow_status(404)  # the error page, on purpose
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    problems: dict[str, object] = {}
    for path in READER_PAGES:
        page.goto(f"{site.url}{path}")
        page.wait_for_load_state("networkidle")
        _check(page, problems, path)
    sign_in_page(page, site.url)
    for path in EDITOR_PAGES:
        page.goto(f"{site.url}{path}")
        page.wait_for_load_state("networkidle")
        _check(page, problems, path)
    assert problems == {}, json.dumps(problems, indent=1)


@pytest.mark.parametrize("size", SIZES)
def test_a_cell_opened_by_a_click_lies_inside_the_window(page: Page, site: LiveServer, size: str) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{site.url}/matrix?from=2024-01&to=2024-12")
    table = "table.strip" if size == "phone" else "table.matrix"
    page.locator(f"{table} tr[data-country=PL] td a[aria-label^='Poland, Oct 2024:']").click()
    evidence = page.locator(f"{table} section.evidence")
    expect(evidence).to_be_visible()
    expect(evidence.locator("h2")).to_contain_text("Poland, Oct 2024")
    assert outside_viewport(page, f"{table} section.evidence, {table} section.evidence article") == []
    assert body_overflow(page) <= 0
    assert axe_violations(page) == []


def _focus_ring(page: Page) -> str:
    """The focused element's outline, as drawn ('' when it draws none)."""
    return page.evaluate(
        """() => { const style = getComputedStyle(document.activeElement);
                   return style.outlineStyle === 'none' || style.outlineWidth === '0px'
                       ? '' : `${style.outlineWidth} ${style.outlineStyle}`; }"""
    )


@pytest.mark.parametrize("size", SIZES)
def test_a_cell_opens_from_the_keyboard_with_a_visible_focus(page: Page, site: LiveServer, size: str) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{site.url}/matrix?from=2024-01&to=2024-12")
    table = "table.strip" if size == "phone" else "table.matrix"
    row = page.locator(f"{table} tr[data-country=PL]")
    row.locator("th a").focus()
    page.keyboard.press("Tab")  # from the country's name to its first drawn cell, as a keyboard user moves
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label') || ''")
    assert focused.startswith("Poland, "), focused
    assert _focus_ring(page), "the focused cell shows no focus ring"
    page.keyboard.press("Enter")
    expect(page.locator(f"{table} section.evidence h2")).to_contain_text("Poland")
    # No cell is taken out of the tab order.
    assert page.locator("table td.c a[tabindex='-1'], table.strip td.c a[tabindex='-1']").count() == 0


CONTROLS = "#statement-form input, #statement-form select, #statement-form textarea, #statement-form button"


def test_every_control_of_the_add_form_is_reached_by_tab_with_a_visible_focus(page: Page, site: LiveServer) -> None:
    sign_in_page(page, site.url)
    page.goto(f"{site.url}/statements/new")
    wanted = set(
        page.evaluate(
            """() => [...document.querySelectorAll('"""
            + CONTROLS
            + """')]
                .filter((el) => el.type !== 'hidden' && el.tabIndex >= 0 && el.offsetParent !== null)
                .map((el) => el.type === 'radio' ? `group ${el.name}` : el.id || `${el.name}=${el.value}`)"""
        )
    )
    reached, unringed = set(), []
    page.locator("#f-actor").focus()
    for _ in range(200):
        key = page.evaluate(
            """() => { const el = document.activeElement;
                       return el.type === 'radio' ? `group ${el.name}` : el.id || `${el.name}=${el.value}`; }"""
        )
        if key in wanted and key not in reached:
            reached.add(key)
            if not _focus_ring(page):
                unringed.append(key)
        page.keyboard.press("Tab")
    assert wanted - reached == set()  # a group of radio buttons is one stop: its arrows choose within it
    assert unringed == []
