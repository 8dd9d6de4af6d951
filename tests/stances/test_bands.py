"""app/stances/bands.py: one look per band, spanning exactly the scores the rule gives it."""

from __future__ import annotations

from app.stances import bands, scoring


def test_the_bands_run_from_the_top_score_to_the_bottom_without_gaps() -> None:
    assert [look.band for look in bands.BANDS] == list(scoring.Band)
    assert bands.BANDS[0].top == 2.0 and bands.BANDS[-1].bottom == -2.0
    for upper, lower in zip(bands.BANDS, bands.BANDS[1:], strict=False):
        assert upper.bottom == lower.top


def test_every_score_inside_a_band_is_given_that_band_by_the_rule() -> None:
    for look in bands.BANDS:
        middle = (look.top + look.bottom) / 2
        assert scoring.band_for(middle) == look.band
        # The rule's edge belongs to the upper band when it is included there.
        edge = next(
            (included for low, included, band in scoring.BAND_EDGES if band == look.band and low == look.bottom), None
        )
        if edge is not None:
            assert scoring.band_for(look.bottom) == (
                look.band if edge else bands.BANDS[bands.BANDS.index(look) + 1].band
            )


def test_each_band_has_its_own_symbol_class_and_ascii_symbol() -> None:
    assert len({look.symbol for look in bands.BANDS}) == len({look.short for look in bands.BANDS}) == 5
    assert all(look.symbol_html.isascii() for look in bands.BANDS)
    assert bands.slug("leans support") == "leans-support" and bands.slug(None) == "none"
