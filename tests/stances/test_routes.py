"""The matrix, a cell's evidence and the methodology, on the seed data, as a reader sees them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient

from app.statements.rules import latest_allowed_date
from tests.support import soup

MONTHS_2024 = {"Jul": 7, "Aug": 8, "Sep": 9}


def _matrix_rows(page: BeautifulSoup) -> dict[str, list[Tag]]:
    """Country name -> its cells, one per month (a merged 'no statement on record' cell is expanded)."""
    rows = {}
    for tr in page.select("table.matrix tbody tr"):
        th = tr.find("th", scope="row")
        if th is None:
            continue
        cells: list[Tag] = []
        for td in tr.find_all("td"):
            cells.extend([td] * int(td.get("colspan", 1)))
        rows[th.get_text(strip=True)] = cells
    return rows


def _months(page: BeautifulSoup) -> list[str]:
    return [th.get_text(" ", strip=True) for th in page.select("table.matrix thead th.matrix__month")]


def _cell_title(td: Tag) -> str:
    link = td.find("a")
    return link["aria-label"] if link is not None else td.get_text(" ", strip=True)  # type: ignore[index,return-value]


# The window of the seed articles' statements (July to November 2024), fixed so the tests read it as of then.
SEED_WINDOW = "from=2022-12&to=2024-11"


@pytest.fixture(scope="module")
def matrix_page(shared_client: TestClient) -> BeautifulSoup:
    response = shared_client.get(f"/matrix?{SEED_WINDOW}")
    assert response.status_code == 200
    return soup(response.text)


def test_the_default_range_is_the_24_months_up_to_this_month(shared_client: TestClient) -> None:
    today = latest_allowed_date()  # the app's today: the date in the time zone furthest ahead
    page = soup(shared_client.get("/matrix").text)
    months = _months(page)
    assert len(months) == 24
    assert months[-1].split()[0] == f"{today:%b}"  # this month, its year shown only in January or the first column
    assert page.select_one("#m-topic option[selected]")["value"] == "intercept-over-ukraine"  # type: ignore[index]
    assert page.select_one("#m-as-of")["value"] == today.isoformat()  # type: ignore[index]
    # Poland's position from 2024 is carried forward to this month, drawn lighter.
    poland = _matrix_rows(page)["Poland"]
    assert "carried forward from Sep 2024" in _cell_title(poland[-1]) and "k" in poland[-1]["class"]


def test_the_json_twin_says_which_month_is_current_and_carries_positions_to_it(shared_client: TestClient) -> None:
    body = shared_client.get("/matrix.json").json()
    this_month = f"{latest_allowed_date():%Y-%m}"
    assert body["current_month"] == body["months"][-1] == this_month
    poland = next(row for row in body["members"] if row["country"] == "PL")
    last = poland["cells"][-1]
    assert last["month"] == this_month and last["carried_forward"] and last["band"] == "leans support"


def test_rows_put_ukraines_neighbours_first_and_nato_and_ukraine_apart(matrix_page: BeautifulSoup) -> None:
    groups = matrix_page.select("table.matrix tbody")
    members = [th.get_text(strip=True) for th in groups[0].select("th[scope=row]")]
    assert len(members) == 32
    assert members[:4] == ["Poland", "Slovakia", "Hungary", "Romania"]
    assert members[4:] == sorted(members[4:])
    others = [th.get_text(strip=True) for th in groups[1].select("th[scope=row]")]
    assert others == ["NATO (the alliance's institutions)", "European Union (its institutions)", "Ukraine"]
    assert "Ukraine" in groups[1].select_one("th[scope=rowgroup]").get_text()  # type: ignore[union-attr]


def test_the_seed_data_reads_right(matrix_page: BeautifulSoup) -> None:
    rows = _matrix_rows(matrix_page)
    months = _months(matrix_page)
    index = {month.split()[0]: i for i, month in enumerate(months) if month.split()[0] in MONTHS_2024 and i > 12}
    poland = rows["Poland"]
    for name in ("Jul", "Aug", "Sep"):
        title = _cell_title(poland[index[name]])
        assert "leans support" in title, title
        assert "condition attached" in title
    assert "officials divided" in _cell_title(poland[index["Sep"]])
    assert "carried forward from Jul 2024" in _cell_title(poland[index["Aug"]])
    assert "k" in poland[index["Aug"]]["class"] and "k" not in poland[index["Sep"]]["class"]  # carried: lighter
    nato = rows["NATO (the alliance's institutions)"]
    assert "opposes" in _cell_title(nato[index["Jul"]])
    assert "leans against" in _cell_title(nato[index["Sep"]])
    assert "supports" in _cell_title(rows["Ukraine"][index["Sep"]])
    for name, cells in rows.items():
        if name not in ("Poland", "Ukraine", "NATO (the alliance's institutions)"):
            assert {td.get_text(" ", strip=True) for td in cells} == {"no statement on record"}, name


def test_no_statement_on_record_is_never_shown_as_neutral(matrix_page: BeautifulSoup) -> None:
    rows = _matrix_rows(matrix_page)
    germany = rows["Germany"]
    assert all("band--" not in " ".join(td.get("class", [])) for td in germany)
    assert all(td.find("a") is None for td in germany), "an empty cell links nowhere"
    assert "mixed or neutral" not in " ".join(td.get_text(" ", strip=True) for td in germany)


def test_cells_show_band_as_text_symbol_and_count(matrix_page: BeautifulSoup) -> None:
    rows = _matrix_rows(matrix_page)
    months = _months(matrix_page)
    sep = next(i for i, month in enumerate(months) if month.startswith("Sep") and i > 12)
    cell = rows["Poland"][sep]
    link = cell.find("a")
    assert link.contents[0] == "+" and cell["class"] == ["c", "ls"]  # type: ignore[union-attr,index]
    assert cell.select_one("small").get_text(" ", strip=True) == "3 \u2260*"  # type: ignore[union-attr]
    assert link["aria-label"] == (
        "Poland, Sep 2024: leans support, +1.00; 3 statements; officials divided; "  # type: ignore[index]
        "condition attached."
    )
    assert link["href"] == "/cell/PL/2024-09"  # type: ignore[index]
    # static/app.js opens the cell in place from these, with JavaScript on.
    assert (
        matrix_page.select_one("table.matrix")["data-cell-base"]
        == f"/matrix/cell?topic=intercept-over-ukraine&{SEED_WINDOW}"
    )  # type: ignore[index]
    row = cell.find_parent("tr")
    assert (row["data-country"], row["data-detail"]) == ("PL", "detail-PL")  # type: ignore[index]


def test_the_page_is_sent_as_ascii_and_reads_as_its_symbols_and_names(shared_client: TestClient) -> None:
    """The matrix's bytes are ASCII (app/stances/grid.py says why); a browser reads the same characters."""
    response = shared_client.get("/matrix", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.content.isascii()
    page = soup(response.text)
    assert "T\u00fcrkiye" in _matrix_rows(page)
    legend = {li.get_text(" ", strip=True) for li in page.select("ul.legend li")}
    assert {"\u00b1 mixed or neutral", "\u2212 leans against", "\u2212\u2212 opposes"} <= legend
    assert page.title.get_text().endswith(" \u00b7 Intercept Watch")  # type: ignore[union-attr]


def test_the_topic_switches_the_matrix(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/matrix?topic=no-fly-zone").text)
    rows = _matrix_rows(page)
    assert page.select_one("#m-topic option[selected]")["value"] == "no-fly-zone"  # type: ignore[index]
    assert any("supports" in _cell_title(td) for td in rows["Ukraine"])
    assert {td.get_text(" ", strip=True) for td in rows["Poland"]} == {"no statement on record"}
    context = soup(shared_client.get("/matrix?topic=air-defence-supply").text)
    assert "not a stance on interception" in context.select_one(".matrix-summary").get_text()  # type: ignore[union-attr]


def test_the_date_range_sets_the_columns(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/matrix?from=2024-06&to=2024-10").text)
    assert _months(page) == ["Jun 2024", "Jul", "Aug", "Sep", "Oct"]
    assert page.select_one("#m-from")["value"] == "2024-06"  # type: ignore[index]


def test_order_by_stance_puts_the_most_supportive_first(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/matrix?order=stance").text)
    members = [th.get_text(strip=True) for th in page.select("table.matrix tbody")[0].select("th[scope=row]")]
    assert members[0] == "Poland"  # the only member with a statement
    assert members[1:] == sorted(members[1:])


def test_as_of_shows_positions_as_they_stood(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/matrix?as_of=2024-07-09").text)
    months = _months(page)
    assert months[-1] == "Jul"
    july = _matrix_rows(page)["Poland"][-1]
    title = _cell_title(july)
    assert "; 1 statement;" in title and "leans support" in title  # only Tusk (8 Jul) by the 9th


def test_an_htmx_request_gets_a_fragment(shared_client: TestClient) -> None:
    response = shared_client.get("/matrix?topic=no-fly-zone", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and soup(response.text).select_one("section#matrix-region") is not None
    assert response.headers["HX-Push-Url"] == "/matrix?topic=no-fly-zone"
    assert "HX-Request" in response.headers["Vary"]
    full = shared_client.get("/matrix?topic=no-fly-zone")
    assert full.text.lstrip().startswith("<!doctype html>") and full.headers["ETag"] != response.headers["ETag"]


def test_a_cell_opens_its_statements_in_place(shared_client: TestClient) -> None:
    response = shared_client.get(
        "/matrix/cell?country=PL&month=2024-09&topic=intercept-over-ukraine", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "<html" not in response.text
    fragment = soup(response.text)
    row = fragment.select_one("tr#detail-PL")
    assert row is not None
    speakers = [a.get_text() for a in row.select(".statement__who > a:first-child")]
    assert speakers == ["Donald Tusk", "Radosław Sikorski", "Władysław Kosiniak-Kamysz"]
    offices = [span.get_text() for span in row.select(".statement__office")]
    assert offices == ["Prime Minister of Poland", "Minister of Foreign Affairs", "Minister of National Defence"]
    text = row.get_text(" ", strip=True)
    assert "it would require NATO's involvement and approval" in text and "leans support" in text
    assert "Officials are divided" in text and "A condition is attached" in text
    cited = " ".join(li.get_text(" ", strip=True) for li in row.select(".statement__sources li"))
    assert "NATO warns members against shooting down Russian missiles" in cited
    assert response.headers["HX-Push-Url"].endswith("cell=PL%3A2024-09")


def test_a_cell_without_javascript_is_a_page_and_the_matrix_can_open_it(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/matrix/cell?country=PL&month=2024-07").text)
    assert page.select_one("h1, h2").get_text(" ", strip=True).startswith("Poland, Jul 2024")  # type: ignore[union-attr]
    opened = soup(shared_client.get("/matrix?cell=PL:2024-07").text)
    assert opened.select_one("tr#detail-PL.matrix__detail--open") is not None
    assert [a.get_text() for a in opened.select("tr#detail-PL .statement__who > a:first-child")][0] == "Donald Tusk"


def test_the_matrix_json_twin_matches_the_page(shared_client: TestClient) -> None:
    body: dict[str, Any] = shared_client.get("/matrix.json?from=2024-06&to=2024-10").json()
    assert body["months"] == ["2024-06", "2024-07", "2024-08", "2024-09", "2024-10"]
    assert body["rule_version"] == 1 and body["topic"] == "intercept-over-ukraine"
    poland = next(row for row in body["members"] if row["country"] == "PL")
    assert [c["band"] for c in poland["cells"]] == [
        None,
        "leans support",
        "leans support",
        "leans support",
        "leans support",
    ]
    assert poland["cells"][0]["no_statement_on_record"] and poland["cells"][2]["carried_forward"]
    assert poland["cells"][3]["divided"] and poland["cells"][3]["conditional"]
    assert poland["cells"][3]["score"] == pytest.approx(1.0)
    assert [row["country"] for row in body["others"]] == ["NATO", "EU", "UA"]


def test_the_cell_json_twin_explains_the_weights(shared_client: TestClient) -> None:
    body = shared_client.get("/matrix/cell.json?country=PL&month=2024-09").json()
    assert body["band"] == "leans support" and body["score"] == pytest.approx(1.0)
    weights = {item["statement"]["actor"]["name"]: item for item in body["counted"]}
    assert weights["Donald Tusk"]["office_weight"] == 3 and weights["Donald Tusk"]["age_days"] == 84
    assert weights["Radosław Sikorski"]["weight"] == pytest.approx(2 * 0.5 ** (28 / 180), abs=1e-5)


def test_methodology_works_the_poland_example(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/methodology").text)
    example = page.select_one("#worked-example")
    assert example is not None and example.get_text(strip=True).startswith("5. A worked example: Poland, 2024-09")
    rows = page.select("table.example tbody tr")
    assert [row.select_one("td a").get_text() for row in rows] == [
        "Donald Tusk",
        "Radosław Sikorski",
        "Władysław Kosiniak-Kamysz",
    ]  # type: ignore[union-attr]
    assert "+1.0000" in page.get_text() and "rule (version 1)" in page.get_text()
    body = shared_client.get("/methodology.json").json()
    assert body["office_weights"] == {"head": 3, "minister": 2, "other": 1} and body["half_life_days"] == 180
    assert (
        body["example"]["score"] == pytest.approx(1.0) and body["example"]["divided"] and body["example"]["conditional"]
    )
    assert [band["rule"] for band in body["bands"]] == [
        "≥ 1.5",
        "≥ 0.5 and < 1.5",
        "> −0.5 and < 0.5",
        "> −1.5 and ≤ −0.5",
        "≤ −1.5",
    ]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/matrix?to=2024-13", "to"),
        ("/matrix?from=2024-09&to=2024-07", "from"),
        ("/matrix?as_of=2024-02-30", "as_of"),
        ("/matrix?as_of=10000-01-01", "as_of"),
        ("/matrix?topic=moon-base", "topic"),
        ("/matrix?order=alphabet", "order"),
        ("/matrix?from=2014-01&to=2024-09", "from"),
        ("/matrix?cell=XX:2024-09", "cell"),
        ("/matrix/cell?country=XX&month=2024-09", "country"),
        ("/matrix/cell?country=PL", "month"),
        ("/matrix/cell?country=DE&month=2024-11&as_of=1972-02-29", "as_of"),
    ],
)
def test_bad_matrix_parameters_get_a_422_that_names_them(shared_client: TestClient, path: str, field: str) -> None:
    page = shared_client.get(path)
    assert page.status_code == 422
    errors = soup(page.text).select(".error-list li")
    assert errors and errors[0].find("strong").get_text() == field  # type: ignore[union-attr]
    json_path = path.replace("/matrix?", "/matrix.json?").replace("/matrix/cell?", "/matrix/cell.json?")
    if json_path != path and "cell=" not in json_path:
        body = shared_client.get(json_path).json()
        assert body["status"] == 422 and body["errors"][0]["field"] == field and body["errors"][0]["message"]


def test_a_cell_link_without_javascript_answers_with_its_history(shared_client: TestClient) -> None:
    response = shared_client.get("/cell/PL/2024-09", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/statements?country=PL&topic=intercept-over-ukraine&to=2024-09-30"
    other = shared_client.get("/cell/UA/2024-06?topic=no-fly-zone&as_of=2024-06-20", follow_redirects=False)
    assert other.headers["location"] == "/statements?country=UA&topic=no-fly-zone&to=2024-06-20"
    page = soup(shared_client.get("/matrix?topic=no-fly-zone&as_of=2024-06-20").text)
    assert page.select_one("td.c a")["href"] == "/cell/UA/2024-06?topic=no-fly-zone&as_of=2024-06-20"  # type: ignore[index]
    for path, field in (
        ("/cell/XX/2024-09", "country"),
        ("/cell/PL/2024-13", "month"),
        ("/cell/PL/2024-09?topic=nope", "topic"),
    ):
        bad = shared_client.get(path, follow_redirects=False)
        assert bad.status_code == 422 and soup(bad.text).select_one(".error-list strong").get_text() == field  # type: ignore[union-attr]


# ---- The headline, the map, the strip of recent months, hiding the silent


def _last_bands(body: dict[str, Any], rows: str = "members") -> dict[str, str | None]:
    return {row["country"]: row["cells"][-1]["band"] for row in body[rows]}


def test_the_headline_counts_what_the_json_twin_holds(shared_client: TestClient) -> None:
    for query in ("", "?to=2024-09", "?topic=no-fly-zone&to=2022-04", "?topic=air-defence-supply"):
        body = shared_client.get(f"/matrix.json{query}").json()
        bands = list(_last_bands(body).values())
        head = body["headline"]
        assert head["month"] == body["months"][-1] and head["members"] == len(bands) == 32
        assert head["support"] == sum(b in ("supports", "leans support") for b in bands)
        assert head["mixed"] == sum(b == "mixed or neutral" for b in bands)
        assert head["against"] == sum(b in ("leans against", "opposes") for b in bands)
        assert head["no_statement"] == sum(b is None for b in bands)
        # The page says the same numbers.
        page = soup(shared_client.get(f"/matrix{query}").text)
        counts = [int(li.select_one(".camps__count").get_text()) for li in page.select("ul.camps li")]
        assert counts == [head["support"], head["mixed"], head["against"], head["no_statement"]]
        # The topic's latest statements, newest first, as the history lists them.
        listed = [int(a["href"].rsplit("/", 1)[1]) for a in page.select("ul.latest li > a")]
        assert listed == head["latest"] and 0 < len(listed) <= 3
        topic = body["topic"]
        history = shared_client.get(f"/statements.json?topic={topic}&to={body['as_of']}").json()["statements"]
        assert listed == [item["id"] for item in history[: len(listed)]]


def test_what_moved_since_the_month_before_names_the_statement_behind_it(shared_client: TestClient) -> None:
    body = shared_client.get("/matrix.json?from=2024-06&to=2024-07").json()
    moved = {move["country"]: move for move in body["headline"]["moved"]}
    rows = {row["country"]: row["cells"] for row in body["members"] + body["others"]}
    for code, move in moved.items():
        assert (move["from_band"], move["to_band"]) == (rows[code][0]["band"], rows[code][1]["band"])
    unmoved = {code for code, cells in rows.items() if cells[0]["band"] == cells[1]["band"]}
    assert not unmoved & set(moved)
    poland = moved["PL"]
    latest = shared_client.get(
        "/statements.json?country=PL&topic=intercept-over-ukraine&from=2024-07-01&to=2024-07-31"
    ).json()["statements"][0]
    assert (poland["statement_id"], poland["said_on"], poland["actor"]) == (
        latest["id"],
        latest["said_on"],
        latest["actor"]["name"],
    )
    page = soup(shared_client.get("/matrix?from=2024-06&to=2024-07").text)
    line = next(li for li in page.select("ul.moved li") if li.select_one("a").get_text() == "Poland")
    text = " ".join(line.get_text().split())
    assert poland["from_band"] is None and "no statement on record → + leans support" in text  # a first statement
    assert f"({int(latest['said_on'][-2:])} Jul, {latest['actor']['name']})" in text
    assert line.select_one(f"a[href='/statements/{latest['id']}']") is not None


def test_the_map_links_every_member_in_its_band(shared_client: TestClient) -> None:
    for query in ("?to=2024-09", "?topic=no-fly-zone&to=2022-04"):
        body = shared_client.get(f"/matrix.json{query}").json()
        bands = _last_bands(body) | {"UA": _last_bands(body, "others")["UA"]}
        page = soup(shared_client.get(f"/matrix{query}").text)
        links = page.select("svg.nato-map a")
        assert len(links) == 33  # the 32 members and Ukraine; NATO's institutions are named beside the map
        for link in links:
            code = link["href"].split("?")[0].rsplit("/", 1)[1]
            band = bands.pop(code)
            shape = link.select_one("path.map-country")
            assert f"band--{(band or 'none').replace(' ', '-')}" in shape["class"]
            assert link["aria-label"].endswith(band or "no statement on record") or f": {band} (" in link["aria-label"]
        assert bands == {}
        caption = page.select_one("figure.glance__map figcaption")
        assert caption.select_one("a[href^='/countries/NATO']") is not None


def test_hide_empty_leaves_out_the_silent_rows_and_stays_in_the_url(shared_client: TestClient) -> None:
    full = shared_client.get("/matrix.json?to=2024-09").json()
    hidden = shared_client.get("/matrix.json?to=2024-09&hide_empty=1").json()
    stated = [row["country"] for row in full["members"] if any(cell["band"] for cell in row["cells"])]
    assert [row["country"] for row in hidden["members"]] == stated and len(stated) < 32
    assert hidden["headline"] == full["headline"]  # the headline still counts every member
    page = soup(shared_client.get("/matrix?to=2024-09&hide_empty=1").text)
    assert page.select_one("#m-hide-empty").has_attr("checked")
    names = [th.get_text(strip=True) for th in page.select("table.matrix tbody th[scope=row]")]
    assert len(names) == len(stated) + len(hidden["others"])
    assert "hide_empty=1" in page.select_one("a[href^='/matrix.json']")["href"]
    response = shared_client.get("/matrix?to=2024-09&hide_empty=1", headers={"HX-Request": "true"})
    assert "hide_empty=1" in response.headers["HX-Push-Url"]


def test_narrow_screens_get_a_strip_of_the_last_six_months(shared_client: TestClient) -> None:
    page = soup(shared_client.get(f"/matrix?{SEED_WINDOW}").text)
    strip = page.select_one("table.strip")
    heads = [th.get_text(" ", strip=True) for th in strip.select("thead th.matrix__month")]
    assert heads == ["Jun 2024", "Jul", "Aug", "Sep", "Oct", "Nov"]
    poland = strip.select_one("tr[data-country=PL]")
    assert poland.select_one("th .band").get_text(" ", strip=True) == "+ leans support"
    labels = [td.find(attrs={"aria-label": True})["aria-label"] for td in poland.select("td")]
    assert len(labels) == 6 and labels[0].startswith("Poland, Jun 2024: no statement")
    assert labels[3].startswith("Poland, Sep 2024: leans support")
    assert poland["data-detail"] == "recent-detail-PL" and strip.select_one("#recent-detail-PL") is not None
    # A cell opened from the strip comes back as a row of the strip's width, with its own ids.
    response = shared_client.get(
        "/matrix/cell?country=PL&month=2024-09&layout=recent&" + SEED_WINDOW, headers={"HX-Request": "true"}
    )
    row = soup(response.text).select_one("tr")
    assert row["id"] == "recent-detail-PL" and row.select_one("td")["colspan"] == "7"
    assert row.select_one("section.evidence")["aria-labelledby"] == "recent-evidence-PL"


def test_an_opened_cell_shows_in_both_tables_with_distinct_ids(shared_client: TestClient) -> None:
    page = soup(shared_client.get(f"/matrix?{SEED_WINDOW}&cell=PL:2024-09").text)
    assert page.select_one("table.matrix #detail-PL section.evidence") is not None
    assert page.select_one("table.strip #recent-detail-PL section.evidence") is not None
    ids = [tag["id"] for tag in page.select("[id]")]
    assert len(ids) == len(set(ids))


GLUED = re.compile(r"[a-z][.)!?]{1,2}[A-Z][a-z]")  # 'apart).A condition': a sentence run into the next


@pytest.mark.parametrize(
    "path",
    ["/matrix/cell?country=PL&month=2024-09", "/methodology", "/countries/PL?as_of=2024-09-30", "/matrix"],
)
def test_sentences_are_spaced_apart_whichever_conditions_show(shared_client: TestClient, path: str) -> None:
    main = soup(shared_client.get(path).text).select_one("main")
    assert main is not None
    for table in main.select("table, svg"):  # cells and labels are apart by layout, not by spaces
        table.decompose()
    assert GLUED.findall(main.get_text()) == []


def test_a_divided_and_conditional_cell_says_both_in_two_sentences(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/matrix/cell?country=PL&month=2024-09").text)
    words = " ".join(page.select_one("section.evidence > p").get_text().split())  # type: ignore[union-attr]
    assert "2 or more points apart). A condition is attached to the heaviest statement." in words
    method = " ".join(soup(shared_client.get("/methodology").text).get_text().split())
    assert "stand 2 or more points apart. The heaviest statement" in method


def test_every_matrix_cell_has_a_name_and_a_tooltip(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/matrix?from=2024-01&to=2024-12").text)
    cells = page.select("table.matrix td.c, table.strip td.c")
    names = {a.get_text() for a in page.select("tr[data-country] th a")}
    assert len(cells) > 100 and "Poland" in names
    for cell in cells:
        named = cell.select_one("a[aria-label], span[role=img][aria-label]")
        if named is None:  # a long run of empty months says so in words
            assert cell.get_text() == "no statement on record", cell
            continue
        label = named["aria-label"]
        assert any(label.startswith(name + ",") or label.startswith(name + ":") for name in names), label
        # A link's name shows as a tooltip from its aria-label (static/app.css); a span carries a title.
        assert named.name == "a" or named.get("title") == label, cell
