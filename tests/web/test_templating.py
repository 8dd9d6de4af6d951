"""app/web/templating.py: the filters pages share."""

from __future__ import annotations

from datetime import date

from app.stances.bands import BANDS
from app.text import signed
from app.web.templating import date_span, day, make_environment, month_label, when


def test_dates_read_in_english_without_leading_zeros() -> None:
    assert day(date(2024, 7, 3)) == "3 Jul 2024" and day(None) == ""
    assert month_label(date(2024, 7, 1)) == "Jul 2024"
    assert when(date(2024, 7, 3), "month") == "Jul 2024"
    assert when(date(2024, 9, 2), "day", is_report_date=True) == "by 2 Sep 2024 (report date)"


def test_date_spans_name_the_year_once_when_they_can() -> None:
    assert date_span(date(2024, 7, 1), date(2024, 7, 20)) == "Jul 2024"
    assert date_span(date(2024, 7, 1), date(2024, 9, 20)) == "Jul\u2013Sep 2024"
    assert date_span(date(2023, 11, 1), date(2024, 9, 20)) == "Nov 2023\u2013Sep 2024"
    assert date_span(None, date(2024, 9, 20)) == ""


def test_signed_numbers_use_a_true_minus() -> None:
    assert (signed(2), signed(0), signed(-1.333, 2), signed(None)) == ("+2", "0", "\u22121.33", "")


def test_a_band_chip_alone_is_the_macros_chip_drawn_once() -> None:
    env = make_environment()
    macro = env.from_string('{% from "_macros/stances.html" import band_chip %}{{ band_chip(band) }}')
    for band in [*(look.label for look in BANDS), None]:
        chip = env.globals["band_chip_alone"](band)  # type: ignore[operator]
        assert str(chip) == macro.render(band=band)
        assert env.globals["band_chip_alone"](band) is chip  # type: ignore[operator]
