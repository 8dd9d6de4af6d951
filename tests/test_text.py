"""app/text.py: months and titles in sentences (the name helpers are tested through the resolver and the seed)."""

from __future__ import annotations

from datetime import date

from app import text
from app.text import MONTH_ABBR, month_key, month_text


def test_months_read_as_the_pages_write_them() -> None:
    assert month_text(date(2024, 9, 1)) == "Sep 2024"
    assert month_key(date(2024, 9, 30)) == "2024-09"
    assert [month_text(date(2025, month, 1)) for month in (1, 5, 12)] == ["Jan 2025", "May 2025", "Dec 2025"]
    assert len(MONTH_ABBR) == 13 and MONTH_ABBR[0] == ""  # indexed by month number


def test_months_match_strftime_in_english() -> None:
    for month in range(1, 13):
        day = date(2023, month, 15)
        assert (month_text(day), month_key(day)) == (day.strftime("%b %Y"), day.strftime("%Y-%m"))


def test_a_title_in_a_sentence_keeps_its_names_capitals() -> None:
    assert text.in_sentence("Intercepting over Ukraine") == "intercepting over Ukraine"
    assert text.in_sentence("No-fly zone") == "no-fly zone"
    assert text.in_sentence("NATO air policing") == "NATO air policing"


def test_fold_makes_one_matching_key_of_case_diacritics_dashes_apostrophes_and_spaces() -> None:
    assert text.fold("  Radosław\tSIKORSKI ") == "radoslaw sikorski"
    assert text.fold("Kosiniak\u2013Kamysz") == text.fold("kosiniak-kamysz") == "kosiniak-kamysz"
    assert text.fold("Europe\u2019s `sky`") == text.fold("europe's 'sky'") == "europe's 'sky'"
    assert text.fold("Straße\u00a0Øresund\u3000ﬁnal") == "strasse oresund final"
    assert text.fold("a\n\n b\x1fc") == "a b c"  # every space Python knows, as a regex's \s
    assert text.fold("") == ""
