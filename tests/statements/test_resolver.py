"""app/statements/resolver.py: a statement counts for the country or institution of the office held on its date.

Mark Rutte was Prime Minister of the Netherlands, then NATO's Secretary General: a record naming
him as Prime Minister, country NL, counts for the Netherlands, and his statements as Secretary
General count for NATO.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.errors import Refused
from app.interchange.service import import_records
from app.statements.records import StatementRecord
from tests.support import add_statement, record_values, soup

RUTTE_AS_PRIME_MINISTER = {
    "actor": "Mark Rutte",
    "country": "NL",
    "office": "Prime Minister",
    "topic": "no-fly-zone",
    "said_on": "2022-03-12",
    "stance": -2,
    "quote": "A no-fly zone would bring NATO into direct conflict with Russia.",
    "quote_is_verbatim": False,
    "sources": [{"url": "https://nltimes.nl/2022/03/12/example-report", "outlet": "NL Times", "title": "Rutte"}],
}


def _row(client: TestClient, code: str, month: str, topic: str = "no-fly-zone") -> dict[str, Any] | None:
    body = client.get(f"/matrix.json?topic={topic}&from={month}&to={month}").json()
    row = next(row for row in body["members"] + body["others"] if row["country"] == code)
    return row["cells"][0]  # type: ignore[no-any-return]


def test_a_record_as_prime_minister_imports_and_counts_for_the_netherlands(
    seeded_db: Database, client: TestClient
) -> None:
    with seeded_db.write() as session:
        report = import_records(
            session=session,
            records=[(1, StatementRecord.model_validate(RUTTE_AS_PRIME_MINISTER))],
            file="rutte.json",
            via="import",
        )
    assert report.added == 1
    netherlands = _row(client, "NL", "2022-03")
    assert netherlands is not None and netherlands["band"] == "opposes" and netherlands["statements_counted"] == 1
    assert _row(client, "NATO", "2022-03")["band"] is None  # type: ignore[index]  # NATO: nothing yet in 2022
    # His statements as Secretary General (from the seed) still count for NATO.
    assert _row(client, "NATO", "2024-10", "intercept-over-ukraine")["band"] is not None  # type: ignore[index]

    # "Prime Minister", NL, is his office on record there: "Prime Minister of the Netherlands", to 2 July 2024.
    career = client.get("/actors/mark-rutte.json").json()
    assert career["countries"] == ["NL", "NATO"]  # in the order held
    offices = {(o["title"], o["country"]): o["statements"] for o in career["offices"]}
    assert offices == {("Prime Minister of the Netherlands", "NL"): 1, ("Secretary General of NATO", "NATO"): 1}
    page = soup(client.get("/actors/mark-rutte").text)
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in page.select("table.career tbody tr")]
    assert rows[0] == [
        "Prime Minister of the Netherlands",
        "Netherlands",
        "2010-10-14 to 2024-07-02",
        "3",
        "1 statement",
    ]
    assert rows[1][:3] == ["Secretary General of NATO", "NATO (the alliance's institutions)", "from 2024-10-01"]


def test_an_office_not_on_record_needs_its_country_when_the_actor_has_served_several(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        add_statement(session, RUTTE_AS_PRIME_MINISTER)
    with pytest.raises(Refused) as refused, seeded_db.write() as session:
        add_statement(session, {**RUTTE_AS_PRIME_MINISTER, "office": "Minister of General Affairs", "country": None})
    assert [(error.field, error.message) for error in refused.value.errors] == [
        ("country", "give the country or institution that 'Minister of General Affairs' belongs to")
    ]


def test_a_named_office_must_belong_to_the_country_given(seeded_db: Database) -> None:
    """Sikorski's foreign ministry is Poland's: the same title for NATO is another office, which is added."""
    values = record_values(office="Minister of Foreign Affairs", country="PL")
    with seeded_db.write() as session:
        polish, _ = add_statement(session, values)
    assert polish.country.code == "PL"
    with pytest.raises(Refused) as refused, seeded_db.write() as session:
        add_statement(session, record_values(office=None, country="NL", quote="Another quote, for the Netherlands."))
    assert refused.value.errors[0].field == "office"
    assert "no office of Radosław Sikorski for NL" in refused.value.errors[0].message
