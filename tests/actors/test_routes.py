"""An actor's page: offices over time, statements, and changes of position."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.db import Database
from tests.support import add_statement, record, soup


def test_offices_over_time_are_shown(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/actors/jens-stoltenberg").text)
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in page.select("table tbody tr")]
    assert rows == [
        ["Secretary General of NATO", "NATO (the alliance's institutions)", "until 2024-10-01", "3", "3 statements"]
    ]
    rutte = soup(shared_client.get("/actors/mark-rutte").text)
    career = [[td.get_text(strip=True) for td in tr.select("td")][:3] for tr in rutte.select("table tbody tr")]
    assert career == [
        ["Prime Minister of the Netherlands", "Netherlands", "2010-10-14 to 2024-07-02"],
        ["Secretary General of NATO", "NATO (the alliance's institutions)", "from 2024-10-01"],
    ]


def test_sikorskis_move_from_plus_one_to_plus_two_is_shown_with_both_quotes(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/actors/radoslaw-sikorski").text)
    assert len(page.select("article.statement")) == 3 + 2  # his statements, and the change's two
    (change,) = page.select("#changes-title ~ .change")
    flag = change.select_one(".change__flag").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert flag == "On intercepting over Ukraine: changed from +1 to +2 on 2 Sep 2024"
    before, after = change.select(".change__pair > div")
    assert before.select_one(".eyebrow").get_text() == "Before: +1"  # type: ignore[union-attr]
    assert after.select_one(".eyebrow").get_text() == "After: +2"  # type: ignore[union-attr]
    body = shared_client.get("/actors/radoslaw-sikorski.json").json()
    (out,) = body["changes"]
    assert out["summary"] == "changed from +1 to +2 on 2 Sep 2024" and body["changes_total"] == 1
    assert (out["stance_before"], out["stance_after"], out["changed_on"]) == (1, 2, "2024-09-02")
    assert (out["before"]["said_on"], out["after"]["said_on"]) == ("2024-07-13", "2024-09-02")
    quotes = [b.get_text().strip("\u201c\u201d") for b in change.select("blockquote")]
    assert quotes == [out["before"]["quote"], out["after"]["quote"]]


def test_a_move_is_flagged_against_the_latest_statement_before_it(client: TestClient, seeded_db: Database) -> None:
    with seeded_db.write() as session:
        add_statement(session, record(stance=-1, quote="Poland will not act over Ukraine."))
    page = soup(client.get("/actors/radoslaw-sikorski").text)
    newest = page.select("#changes-title ~ .change")[0]
    assert "changed from +2 to \u22121" in newest.select_one(".change__flag").get_text()  # type: ignore[union-attr]
    quotes = [b.get_text() for b in newest.select("blockquote")]
    body = client.get("/actors/radoslaw-sikorski.json").json()
    assert quotes == [
        f"\u201c{body['changes'][0]['before']['quote']}\u201d",
        "\u201cPoland will not act over Ukraine.\u201d",
    ]
    assert body["changes"][0]["before"]["said_on"] == "2024-09-02"  # his latest before it, side by side
    assert body["changes"][0]["points"] == 3 and body["changes"][0]["after"]["stance"] == -1


def test_unknown_actor_is_404(shared_client: TestClient) -> None:
    assert shared_client.get("/actors/nobody").status_code == 404
    assert shared_client.get("/actors/nobody.json").json()["status"] == 404


def test_a_long_record_shows_the_newest_changes_and_counts_the_rest(client: TestClient, seeded_db: Database) -> None:
    from app.actors import routes

    with seeded_db.write() as session:
        for day in range(1, 15):  # alternating -2 and +2: every statement is a change
            add_statement(
                session, record(stance=2 if day % 2 else -2, quote=f"Swing {day}.", said_on=f"2024-10-{day:02d}")
            )
    page = soup(client.get("/actors/radoslaw-sikorski").text)
    assert len(page.select(".change")) == routes.CHANGES_SHOWN
    # His last seeded statement is +2, so the first new +2 is no change: 13 changes, and his +1 to +2 of 2024.
    assert f"the newest {routes.CHANGES_SHOWN} of 14" in page.select_one("#changes-title + p").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "Swing 14." in page.select(".change")[0].select("blockquote")[1].get_text()
    body = client.get("/actors/radoslaw-sikorski.json").json()
    assert body["changes_total"] == 14 and len(body["changes"]) == 14


def test_an_actor_page_links_its_feed(shared_client: TestClient) -> None:
    page = soup(shared_client.get("/actors/radoslaw-sikorski").text)
    [link] = page.select("head link[rel=alternate][type='application/atom+xml']")
    assert link["href"] == "/statements.atom?actor=radoslaw-sikorski" and "Radosław Sikorski" in str(link["title"])
    follow = page.select_one("a.feed-link")
    assert follow is not None and follow["href"] == link["href"] and follow.get_text() == "Follow (Atom feed)"
    feed = shared_client.get(str(link["href"]))
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
