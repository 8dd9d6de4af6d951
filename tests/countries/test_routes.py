"""A country's page: positions with their evidence, the timeline chart, who spoke, and statements."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from app.db import Database
from tests.support import add_statement, form_values, make_user, record, sign_in, soup, table_counts


def _positions(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {p.select_one("h3 a").get_text(): p.get_text(" ", strip=True) for p in page.select("article.position")}


def test_poland_shows_each_topic_with_its_evidence(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/countries/PL").text)
    assert page.select_one("h1").get_text() == "Poland"  # type: ignore[union-attr]
    positions = _positions(page)
    intercept = positions["Intercepting over Ukraine"]
    assert "leans support" in intercept and "officials divided" in intercept and "conditional" in intercept
    assert "6 statements, Jul\u2013Sep 2024, 3 officials." in intercept
    assert "no statement on record" in positions["No-fly zone"]
    speakers = [a.get_text() for a in page.select(".speakers a")]
    assert speakers == ["Donald Tusk", "Radosław Sikorski", "Władysław Kosiniak-Kamysz"]
    dates = [t["datetime"] for t in page.select("section[aria-labelledby=statements-title] article.statement time")]
    assert len(dates) == 6 and dates == sorted(dates, reverse=True)


def test_the_timeline_chart_has_a_point_per_statement(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/countries/PL?topic=intercept-over-ukraine").text)
    drawings = page.select("figure.chart svg")
    assert [svg["class"][-1] for svg in drawings] == ["chart__svg--wide", "chart__svg--narrow"]  # CSS shows one
    for svg in drawings:
        # A group, not an image: an image's content is hidden from assistive technology, its links with it.
        assert svg["role"] == "group" and svg.select_one("title").get_text().startswith("Poland")  # type: ignore[union-attr]
        points = svg.select("a.chart__point-link")
        assert len(points) == 6
        cards = page.select("article.statement .statement__meta a")
        assert {a["href"] for a in points} == {a["href"] for a in cards}
        assert all(a["aria-label"] == a.select_one("circle title").get_text() for a in points)  # type: ignore[union-attr]
        assert svg.select_one("path.chart__line")["d"].startswith("M")  # type: ignore[index]
    table = page.select("details.chart-data tbody tr")
    assert table and table[0].get_text(" ", strip=True).startswith("Jul 2024")


def test_each_chart_point_is_labelled_with_who_when_the_stance_and_the_words(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/countries/PL?topic=intercept-over-ukraine").text)
    cards = {a["href"]: a.find_parent("article") for a in page.select("article.statement .statement__meta a")}
    points = page.select("figure.chart a.chart__point-link")
    assert points
    for point in points:
        card = cards[point["href"]]
        said_on = date.fromisoformat(card.select_one("time")["datetime"])
        who = card.select_one(".statement__who a").get_text()
        stance = card.select_one(".statement__stance .stance").get_text()
        quote = card.select_one(".statement__quote").get_text().strip("\u201c\u201d")
        label = point.select_one("circle title").get_text()
        head = f"{who}, {said_on.day} {said_on:%b} {said_on.year}: {stance}. "
        assert label.startswith(head), (label, head)
        words = label.removeprefix(head)
        assert (words == quote) if len(quote) <= 120 else (words.endswith("\u2026") and quote.startswith(words[:-1]))


def test_changes_of_position_by_the_countrys_officials_with_both_quotes(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/countries/PL").text)
    (change,) = page.select("section[aria-labelledby=changes-title] .change")
    flag = change.select_one(".change__flag").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert flag == "Radosław Sikorski on intercepting over Ukraine: changed from +1 to +2 on 2 Sep 2024"
    assert [t["datetime"] for t in change.select("article.statement time")] == ["2024-07-13", "2024-09-02"]
    body = shared_client.get("/countries/PL.json").json()
    assert [c["summary"] for c in body["changes"]] == ["changed from +1 to +2 on 2 Sep 2024"]
    assert body["changes"][0]["actor"]["slug"] == "radoslaw-sikorski" and body["changes_total"] == 1
    # As it stood before the change: none yet.
    earlier = soup(shared_client.get("/countries/PL?as_of=2024-08-01").text)
    assert earlier.select("section[aria-labelledby=changes-title]") == []
    assert shared_client.get("/countries/PL.json?as_of=2024-08-01").json()["changes"] == []


def test_a_country_with_no_statement_says_so(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/countries/DE").text)
    assert set(_positions(page).values()) >= {"Intercepting over Ukraine no statement on record"}
    assert page.select_one("figure.chart") is None
    assert "No statement on record" in page.select_one("#timeline").get_text()  # type: ignore[union-attr]


def test_as_of_shows_the_position_on_that_day(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/countries/PL?as_of=2024-07-09").text)
    intercept = _positions(page)["Intercepting over Ukraine"]
    assert "1 statement, Jul 2024, 1 official." in intercept
    assert len(page.select("article.statement")) == 1


def test_the_country_json_twin(shared_client: TestClient) -> None:
    body = shared_client.get("/countries/NATO.json").json()
    assert body["kind"] == "alliance" and body["rule_version"] == 1
    intercept = next(p for p in body["positions"] if p["topic"] == "intercept-over-ukraine")
    assert intercept["band"] == "leans against" and intercept["statements_on_record"] == 4
    assert {s["name"] for s in body["speakers"]} == {
        "Jens Stoltenberg",
        "Mark Rutte",
        "Mircea Geoana",
        "NATO spokesperson",
    }
    stoltenberg = next(s for s in body["speakers"] if s["name"] == "Jens Stoltenberg")
    assert stoltenberg["offices"][0]["ended_on"] == "2024-10-01"


def test_bad_country_input(shared_client: TestClient) -> None:
    assert shared_client.get("/countries/XX").status_code == 404
    assert shared_client.get("/countries/XX.json").json()["status"] == 404
    for query, field in (("as_of=2024-02-30", "as_of"), ("as_of=2999-01-01", "as_of"), ("topic=nope", "topic")):
        response = shared_client.get(f"/countries/PL?{query}")
        assert response.status_code == 422
        assert soup(response.text).select_one(".error-list strong").get_text() == field  # type: ignore[union-attr]


def test_an_admin_adds_an_institution_that_the_matrix_shows_apart(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "admin@example.org", "admin")
    sign_in(client, "admin@example.org")
    form = form_values(client.get("/admin/institutions").text, "#add-institution")
    refused = client.post("/admin/institutions", data=form | {"code": "o1", "name": "OSCE"})
    assert refused.status_code == 422
    error = soup(refused.text).select_one("#f-code-error").get_text()  # type: ignore[union-attr]
    before = table_counts(seeded_db, "country")
    assert "capital letters" in error
    added = client.post(
        "/admin/institutions", data=form | {"code": "osce", "name": "Organization for Security and Co-operation"}
    )
    assert added.status_code == 200 and "Added OSCE" in added.text  # followed the redirect to the list
    assert table_counts(seeded_db, "country")["country"] == before["country"] + 1
    matrix = client.get("/matrix.json").json()
    assert "OSCE" in [row["country"] for row in matrix["others"]]
    assert "OSCE" not in [row["country"] for row in matrix["members"]]
    taken = client.post("/admin/institutions", data=form | {"code": "EU", "name": "Again"})
    assert taken.status_code == 422 and "is taken" in taken.text


def test_a_country_page_links_its_feed(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/countries/PL?as_of=2024-10-01").text)
    [link] = page.select("head link[rel=alternate][type='application/atom+xml']")
    assert link["href"] == "/statements.atom?country=PL" and "Poland" in str(link["title"])
    follow = page.select_one("a.feed-link")
    assert follow is not None and follow["href"] == link["href"] and follow.get_text() == "Follow (Atom feed)"
    feed = shared_client.get(str(link["href"]))
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")


def test_a_new_change_of_position_shows_at_once_and_not_before_its_day(client: TestClient, seeded_db: Database) -> None:
    assert len(client.get("/countries/PL.json").json()["changes"]) == 1  # read once, and kept for the page's version
    with seeded_db.write() as session:
        add_statement(session, record(said_on="2024-10-15", stance=-1))
    body = client.get("/countries/PL.json").json()
    assert [c["summary"] for c in body["changes"]] == [
        "changed from +2 to \u22121 on 15 Oct 2024",
        "changed from +1 to +2 on 2 Sep 2024",
    ]
    assert body["changes_total"] == 2
    before = client.get("/countries/PL.json?as_of=2024-10-14").json()
    assert [c["summary"] for c in before["changes"]] == ["changed from +1 to +2 on 2 Sep 2024"]
