"""The five bands as readers see them, defined once: the matrix, the chart, the legend and every chip read this.

A band is shown by colour, symbol and words together, never by colour alone. The edges between
bands are the rule's (`scoring.BAND_EDGES`); this module only says how each band looks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.stances.scoring import BAND_EDGES, Band
from app.text import MINUS, ascii_html

TOP_SCORE = 2.0
BOTTOM_SCORE = -2.0


@dataclass(frozen=True, slots=True)
class BandLook:
    """How one band is drawn and named."""

    band: Band
    slug: str  # in CSS classes: band--leans-support, chart__band--leans-support
    short: str  # the matrix cell's short class (static/app.css): c s, c ls, c m, c la, c o
    symbol: str  # '++', '+', '±', '−', '−−'
    top: float  # the highest score in the band, for the chart's stripes
    bottom: float  # the lowest

    @property
    def label(self) -> str:
        return self.band.value

    @property
    def symbol_html(self) -> str:
        """The symbol as ASCII character references, for pages kept ASCII (app/stances/grid.py)."""
        return ascii_html(self.symbol)


def _edges() -> list[tuple[Band, float, float]]:
    """Each band with the scores it spans, from the top, read from the rule's edges."""
    lows = [(band, low) for low, _, band in BAND_EDGES] + [(Band.OPPOSES, BOTTOM_SCORE)]
    spans, top = [], TOP_SCORE
    for band, low in lows:
        spans.append((band, top, low))
        top = low
    return spans


_LOOK = {  # band: (short class, symbol)
    Band.SUPPORTS: ("s", "++"),
    Band.LEANS_SUPPORT: ("ls", "+"),
    Band.MIXED: ("m", "\u00b1"),
    Band.LEANS_AGAINST: ("la", MINUS),
    Band.OPPOSES: ("o", MINUS + MINUS),
}
BANDS: tuple[BandLook, ...] = tuple(
    BandLook(band, band.value.replace(" ", "-"), _LOOK[band][0], _LOOK[band][1], top, bottom)
    for band, top, bottom in _edges()
)
# By the band's text as stored: converting a stored row's band to the enum costs more than drawing its cell.
BY_VALUE: Mapping[str, BandLook] = {look.band.value: look for look in BANDS}
NO_STATEMENT = "no statement on record"


def slug(band: str | None) -> str:
    """A band's CSS name: 'leans-support'; 'none' when there is no statement on record."""
    return BY_VALUE[band].slug if band else "none"


def for_stance(stance: int) -> BandLook:
    """The band a single statement's stance reads as (+2 supports … −2 opposes): badges wear its colours."""
    if stance not in range(-2, 3):
        raise ValueError(f"a stance is a whole number from -2 to +2, not {stance}")
    return BANDS[2 - stance]
