"""The matrix's month as a map: every member and Ukraine drawn in its band, linked, named and marked."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from app.stances import grid
from app.stances.choropleth import choropleth

SVG = "{http://www.w3.org/2000/svg}"
SEP = date(2024, 9, 1)


def _map(rows: list[grid.ScoreRow]) -> ET.Element:
    countries = [
        grid.CountryRef(1, "PL", "Poland", "member", True),
        grid.CountryRef(2, "TR", "T\u00fcrkiye", "member", False),
        grid.CountryRef(3, "UA", "Ukraine", "partner", False),
        grid.CountryRef(4, "NATO", "NATO", "alliance", False),
    ]
    built = grid.build(
        countries=countries, rows=rows, carry_in=[], months=[SEP], topic="t", order="neighbours", query={}
    )
    markup = str(choropleth(built, topic="no-fly-zone", title="Where they stand"))
    assert markup.isascii()  # the matrix page is sent as ASCII
    return ET.fromstring(markup)


def test_each_country_is_a_link_in_its_band_with_a_label_and_a_symbol() -> None:
    root = _map([grid.ScoreRow(1, SEP, 1.6, "supports", 2, 2, 2, False, False)])
    links = {a.get("href"): a for a in root.iter(f"{SVG}a")}
    assert set(links) == {
        "/countries/PL?topic=no-fly-zone",
        "/countries/TR?topic=no-fly-zone",
        "/countries/UA?topic=no-fly-zone",
    }
    poland = links["/countries/PL?topic=no-fly-zone"]
    assert poland.get("aria-label") == "Poland, Sep 2024: supports (+1.60)"
    assert "band--supports" in poland.find(f"{SVG}path").get("class", "").split()
    turkiye = links["/countries/TR?topic=no-fly-zone"]
    assert turkiye.get("aria-label") == "T\u00fcrkiye, Sep 2024: no statement on record"
    assert "band--none" in turkiye.find(f"{SVG}path").get("class", "").split()
    marks = {t.text: "".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.text in ("PL", "TR")}
    assert marks == {"PL": "PL ++", "TR": "TR"}
