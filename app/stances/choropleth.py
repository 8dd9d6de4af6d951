"""The matrix's month as a map: each member and Ukraine in its band's colour and symbol, linked to its page.

Pure: reads a built grid and draws with app/stances/mapshapes.py.
"""

from __future__ import annotations

from markupsafe import Markup

from app.stances import mapshapes
from app.stances.bands import BY_VALUE, NO_STATEMENT
from app.stances.grid import Carried, Grid, GridRow
from app.text import month_text, signed


def _link(row: GridRow, topic: str, month: str) -> tuple[mapshapes.MapLink, str]:
    """How a row's last month is drawn, and the symbol its label carries ("" with no statement)."""
    found = row.line[-1]
    href = f"/countries/{row.country.code}?topic={topic}"
    if found is None:
        return mapshapes.MapLink("band--none", f"{row.country.name}, {month}: {NO_STATEMENT}", href), ""
    stored = found.row if isinstance(found, Carried) else found
    look = BY_VALUE[stored.band]
    label = f"{row.country.name}, {month}: {stored.band} ({signed(stored.score, 2)})"
    return mapshapes.MapLink(f"band--{look.slug}", label, href), look.symbol


def choropleth(built: Grid, *, topic: str, title: str) -> Markup:
    """The grid's last month as an SVG map of the members and Ukraine (NATO's institutions have no shape)."""
    month = month_text(built.months[-1])
    drawn = {row.country.code: _link(row, topic, month) for row in (*built.members, *built.others)}
    links = {code: link for code, (link, _) in drawn.items()}
    marks = {code: mark for code, (_, mark) in drawn.items() if mark}
    drawn_svg = mapshapes.svg(mapshapes.layout(), links, title=title, marks=marks)
    # The matrix page is sent as ASCII (docs/performance.md): names and symbols as character references.
    return Markup(str(drawn_svg).encode("ascii", "xmlcharrefreplace").decode("ascii"))
