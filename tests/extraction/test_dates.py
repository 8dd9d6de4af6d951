from datetime import date

import pytest

from app.extraction.dates import find_dates, full_date_in, resolve

SUNDAY = date(2024, 9, 15)
TODAY = date(2026, 12, 1)


def resolved(text: str, reference: date | None = SUNDAY, today: date = TODAY) -> list[tuple[date, str] | None]:
    return [resolve(named, reference=reference, today=today) for named in find_dates(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lepik said on Saturday that", (date(2024, 9, 14), "day")),
        ("on Sunday", (date(2024, 9, 15), "day")),
        ("last Sunday", (date(2024, 9, 8), "day")),
        ("On 10 July, Polish", (date(2024, 7, 10), "day")),
        ("on July 13, Polish", (date(2024, 7, 13), "day")),
        ("on 20 December", (date(2023, 12, 20), "day")),  # after the article's date: the year before
        ("2 Sep, 2024 19:25", (date(2024, 9, 2), "day")),
        ("Berlin, 8. Oktober 2024", (date(2024, 10, 8), "day")),
        ("Warszawa, 21 listopada 2024", (date(2024, 11, 21), "day")),
        ("București, 5 septembrie 2024", (date(2024, 9, 5), "day")),
        ("sagte Hartmann am Montag", (date(2024, 9, 9), "day")),
        ("powiedział w środę, że", (date(2024, 9, 11), "day")),
        ("a declarat miercuri că", (date(2024, 9, 11), "day")),
        ("At the end of June, the", (date(2024, 6, 1), "month")),
        ("in May 2023", (date(2023, 5, 1), "month")),
        ("Last week, Ukrainian", (date(2024, 9, 1), "month")),
        ("yesterday", (date(2024, 9, 14), "day")),
    ],
)
def test_a_named_day_resolves_against_the_article_date(text: str, expected: tuple[date, str]) -> None:
    assert resolved(text) == [expected]


def test_a_weekday_before_a_date_gives_way_to_the_date() -> None:
    assert resolved("Thus, on Wednesday, 27 November, Rutte", reference=date(2024, 11, 27)) == [
        (date(2024, 11, 27), "day")
    ]


def test_words_that_only_look_like_months_are_not_dates() -> None:
    assert find_dates("you may go, and the troops march on") == []


def test_nothing_resolves_after_today() -> None:
    assert resolved("on 13 July 2024", reference=None, today=date(2024, 7, 12)) == [None]
    assert resolved("on Saturday", reference=date(2024, 9, 15), today=date(2024, 9, 13)) == [None]


def test_without_a_reference_only_a_date_with_its_year_resolves() -> None:
    assert resolved("on 13 July 2024, and again on Saturday", reference=None) == [(date(2024, 7, 13), "day"), None]


def test_no_31st_of_april() -> None:
    assert resolved("on 31 April") == [None]


def test_full_date_in_reads_a_dateline() -> None:
    assert full_date_in("Ulyana Krychkovska — Wednesday, 27 November 2024, 20:33") == date(2024, 11, 27)
    assert full_date_in("On Saturday, in July") is None
