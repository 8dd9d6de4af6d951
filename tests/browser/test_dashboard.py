"""The dashboard in a real Chromium: with JavaScript (HTMX updates in place) and without it (links)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import ConsoleWatch
from tests.support import LiveServer, seed_counts

POLAND_ROW = "table.matrix tr:has(th a[href^='/countries/PL'])"


def _poland_cell(page: Page, month: str) -> object:
    """Poland's cell for a month such as 'Sep 2024', found by its text alternative."""
    return page.locator(f"{POLAND_ROW} td a[aria-label^='Poland, {month}:']")


# The months of the seed articles' statements (to November 2024): the default window runs to this month.
SEED_WINDOW = "from=2022-12&to=2024-11"


def test_matrix_topic_and_range_switch_in_place(
    page: Page, live_server: LiveServer, screenshot_dir: Callable[[str], Path]
) -> None:
    page.goto(f"{live_server.url}/matrix?{SEED_WINDOW}")
    expect(page.locator("h1")).to_have_text("Where NATO members stand")
    expect(page.locator("table.matrix th[scope=row]")).to_have_count(seed_counts()["countries"])
    expect(page.locator("table.matrix th.matrix__month")).to_have_count(24)
    page.screenshot(path=str(screenshot_dir("matrix.png")), full_page=True)
    page.evaluate("window.__stayed = true")  # survives only if nothing reloads the page

    page.select_option("#m-topic", "no-fly-zone")
    expect(page).to_have_url(re.compile(r"/matrix\?topic=no-fly-zone&from=2022-12&to=2024-11$"))
    expect(page.locator("#matrix-caption")).to_have_text("No-fly zone")
    expect(
        page.locator("table.matrix tr:has(th a[href^='/countries/UA']) td a[aria-label*='supports']").first
    ).to_be_visible()

    page.fill("#m-from", "2024-05")
    page.dispatch_event("#m-from", "change")
    expect(page.locator("table.matrix th.matrix__month").first).to_have_text(re.compile("May.*2024"))
    page.fill("#m-to", "2024-10")
    page.dispatch_event("#m-to", "change")
    expect(page.locator("table.matrix th.matrix__month")).to_have_count(6)
    expect(page).to_have_url(re.compile(r"from=2024-05&to=2024-10"))
    assert page.evaluate("window.__stayed") is True


def test_clicking_a_poland_cell_opens_its_statements_in_place(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/matrix?{SEED_WINDOW}")
    page.evaluate("window.__stayed = true")
    cell = _poland_cell(page, "Sep 2024")
    expect(cell).to_have_attribute("aria-label", re.compile("leans support.*officials divided.*condition attached"))
    cell.click()
    detail = page.locator("tr#detail-PL.matrix__detail--open")
    expect(detail).to_be_visible()
    expect(detail.locator(".statement__who > a:first-child")).to_have_text(
        ["Donald Tusk", "Radosław Sikorski", "Władysław Kosiniak-Kamysz"]
    )
    expect(detail).to_contain_text("Minister of National Defence")
    expect(detail).to_contain_text("without NATO approval")
    expect(detail.locator(".statement__sources li").first).to_contain_text("Not named in the article")
    expect(page).to_have_url(re.compile(r"cell=PL%3A2024-09"))
    assert page.evaluate("window.__stayed") is True

    _poland_cell(page, "Jul 2024").click()  # another month replaces the panel
    expect(page.locator("tr#detail-PL h2")).to_contain_text("Poland, Jul 2024")


def _choose_country(page: Page, code: str) -> None:
    """Ticks a country in the history's picker, opening it first if it is closed."""
    picker = page.locator("details.country-picker")
    if picker.get_attribute("open") is None:
        picker.locator("summary").click()
    page.check(f"#h-country-{code}")


def test_history_filters_update_in_place_and_back_restores_them(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/statements")
    expect(page.locator("#results article.statement")).to_have_count(24)
    _choose_country(page, "PL")
    expect(page).to_have_url(re.compile(r"/statements\?country=PL$"))
    expect(page.locator("#results article.statement")).to_have_count(6)
    page.fill("#h-from", "2024-09-01")  # fill fires input and change, as a person typing would
    expect(page).to_have_url(re.compile(r"/statements\?country=PL&from=2024-09-01$"))
    expect(page.locator("#results article.statement")).to_have_count(3)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/statements\?country=PL$"))
    expect(page.locator("#results article.statement")).to_have_count(6)
    expect(page.locator("#h-from")).to_have_value("")
    expect(page.locator("#h-country-PL")).to_be_checked()

    page.fill("#h-q", "airspace")
    expect(page.locator("#results article.statement")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=airspace"))


def test_on_a_phone_several_countries_are_ticked_and_the_address_keeps_only_what_is_set(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/statements")
    page.locator("details.country-picker summary").click()
    page.locator("label:has(#h-country-PL)").click()  # a label is a finger's target, not only the box
    expect(page).to_have_url(re.compile(r"/statements\?country=PL$"))  # no 'actor=&topic=&…'
    page.locator("label:has(#h-country-LT)").click()
    expect(page).to_have_url(re.compile(r"/statements\?country=LT&country=PL$|/statements\?country=PL&country=LT$"))
    countries = page.locator("#results .statement__who a[href^='/countries/']").all_inner_texts()
    assert countries and set(countries) <= {"Poland", "Lithuania"}
    box = page.locator("label:has(#h-country-PL)").bounding_box()
    assert box is not None and box["height"] >= 24 and box["x"] + box["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_the_history_feed_link_follows_the_filters_in_place_and_fits_a_phone(
    page: Page, live_server: LiveServer, screenshot_dir: Callable[[str], Path]
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/statements")
    feed = page.locator("head link[rel=alternate][type='application/atom+xml']")
    follow = page.locator("#results a.feed-link")
    expect(feed).to_have_attribute("href", "/statements.atom")
    _choose_country(page, "PL")
    page.fill("#h-q", "drone")
    expect(page).to_have_url(re.compile(r"/statements\?country=PL&q=drone$"))
    expect(feed).to_have_count(1)  # the fragment's link replaced the page's own
    expect(feed).to_have_attribute("href", "/statements.atom?country=PL&q=drone")
    expect(feed).to_have_attribute("title", "Intercept Watch: statements (Poland; \u201cdrone\u201d)")
    expect(follow).to_have_attribute("href", "/statements.atom?country=PL&q=drone")
    follow.scroll_into_view_if_needed()
    expect(follow).to_be_visible()
    box = follow.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.evaluate("document.querySelector('.results__count').scrollIntoView({block: 'center'})")
    page.screenshot(path=str(screenshot_dir("history-feed-phone.png")))


def test_a_bad_filter_shows_its_message_in_place(page: Page, live_server: LiveServer, console: ConsoleWatch) -> None:
    console.allow_status(422)
    page.goto(f"{live_server.url}/statements")
    page.fill("#h-from", "2024-09-01")
    page.fill("#h-to", "2024-07-01")
    page.dispatch_event("#h-to", "change")
    expect(page.locator("#results .error-box")).to_contain_text("'from' (2024-09-01) is after 'to' (2024-07-01)")
    page.fill("#h-to", "2024-12-31")
    page.dispatch_event("#h-to", "change")
    expect(page.locator("#results article.statement")).to_have_count(10)


def test_the_country_page_shows_its_chart(
    page: Page, live_server: LiveServer, screenshot_dir: Callable[[str], Path]
) -> None:
    page.goto(f"{live_server.url}/countries/PL")
    chart = page.locator("figure.chart svg.chart__svg--wide")
    expect(chart).to_be_visible()
    expect(page.locator("figure.chart svg.chart__svg--narrow")).to_be_hidden()
    expect(chart.locator("a.chart__point-link")).to_have_count(6)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 150
    figure = page.locator("figure.chart").bounding_box()
    assert figure is not None and page.viewport_size is not None
    assert page.viewport_size["width"] - 32 > box["width"] + 200  # a screen wider than the chart draws
    assert figure["width"] - box["width"] <= 20, (figure, box)  # the panel hugs the chart: no blank strip beside it
    page.screenshot(path=str(screenshot_dir("country.png")), full_page=True)
    chart.locator("a.chart__point-link").first.click()
    expect(page).to_have_url(re.compile(r"/statements/\d+$"))
    expect(page.locator("h1")).to_contain_text("on intercepting over Ukraine")


def test_on_a_phone_the_chart_reads_at_its_own_size_with_same_day_statements_apart(
    page: Page, live_server: LiveServer, screenshot_dir: Callable[[str], Path]
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/countries/PL")
    chart = page.locator("figure.chart svg.chart__svg--narrow")
    expect(chart).to_be_visible()
    expect(page.locator("figure.chart svg.chart__svg--wide")).to_be_hidden()
    label_heights = chart.locator("text.chart__label").evaluate_all(
        "(labels) => labels.map((label) => label.getBoundingClientRect().height)"
    )
    assert label_heights and min(label_heights) >= 11, label_heights  # was about 5 px
    dots = chart.locator("a.chart__point-link").evaluate_all(
        """(links) => links.map((link) => { const box = link.getBoundingClientRect();
               return {label: link.getAttribute('aria-label'), href: link.getAttribute('href'),
                       x: box.x + box.width / 2, y: box.y + box.height / 2,
                       size: Math.min(box.width, box.height)}; })"""
    )
    assert min(dot["size"] for dot in dots) >= 24  # a finger's target, the ring around each dot included
    same_day = [dot for dot in dots if "Sikorski, 2 Sep 2024" in dot["label"]]
    assert len(same_day) == 2 and same_day[0]["href"] != same_day[1]["href"]
    assert abs(same_day[0]["y"] - same_day[1]["y"]) >= 18  # two dots, not one
    page.screenshot(path=str(screenshot_dir("country-phone-chart.png")), full_page=False)
    chart.locator(f"a.chart__point-link[href='{same_day[1]['href']}']").click()
    expect(page).to_have_url(re.compile(same_day[1]["href"] + "$"))


def test_no_page_logs_a_console_error(page: Page, live_server: LiveServer, console: ConsoleWatch) -> None:
    console.allow_status(404)  # the two error pages below answer 404 and 422 on purpose
    console.allow_status(422)
    for path in (
        "/",
        "/matrix?topic=air-defence-supply&order=stance",
        "/statements?q=NATO",
        "/statements/5",
        "/countries/NATO",
        "/countries/DE",
        "/actors/volodymyr-zelenskyy",
        "/methodology",
        "/docs",
        "/no-such-page",
        "/statements?from=2024-02-30",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")


def test_the_matrix_fits_24_months_on_a_laptop_and_works_on_a_phone(page: Page, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/matrix")
    scroller = page.locator(".matrix-scroll")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth"), "24 months need no horizontal scroll at 1366px"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/matrix")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        "the page itself must not overflow a phone"
    )
    # A narrow screen reads the recent months as a strip after each country, the whole window hidden.
    expect(page.locator("table.strip .matrix__country").first).to_be_visible()
    expect(page.locator("table.matrix")).to_be_hidden()


def test_without_javascript_the_same_information_is_reached_by_links(
    page_without_js: Page, live_server: LiveServer
) -> None:
    page = page_without_js
    page.goto(f"{live_server.url}/matrix?{SEED_WINDOW}")
    _poland_cell(page, "Sep 2024").click()
    expect(page).to_have_url(
        re.compile(r"/statements\?country=PL&topic=intercept-over-ukraine&to=2024-09-30$")
    )  # via /cell/PL/2024-09
    expect(page.locator("#results .statement__who > a:first-child")).to_contain_text(
        ["Władysław Kosiniak-Kamysz", "Radosław Sikorski"]
    )

    page.goto(f"{live_server.url}/matrix")
    page.select_option("#m-topic", "no-fly-zone")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"topic=no-fly-zone"))
    expect(page.locator("#matrix-caption")).to_have_text("No-fly zone")

    page.goto(f"{live_server.url}/statements")
    _choose_country(page, "PL")
    page.fill("#h-from", "2024-09-01")
    page.click("#history-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"/statements\?country=PL&from=2024-09-01$"))
    expect(page.locator("#results article.statement")).to_have_count(3)
    page.go_back()
    expect(page.locator("#results article.statement")).to_have_count(24)

    page.goto(f"{live_server.url}/matrix/cell?country=PL&month=2024-09")
    expect(page.locator(".statement__who > a:first-child")).to_have_count(3)
    page.goto(f"{live_server.url}/countries/PL")
    expect(page.locator("figure.chart svg.chart__svg--wide a.chart__point-link")).to_have_count(6)
