"""The pure generator: dates thicker towards today, a cast whose offices cover every date, stable fingerprints."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from app.statements.rules import EARLIEST_DATE, fingerprint
from bench.synthetic import generator

TODAY = date(2025, 6, 30)
COUNTRIES = [
    generator.CountryRef(i, code, name)
    for i, (code, name) in enumerate(
        [("PL", "Poland"), ("HU", "Hungary"), ("NATO", "NATO"), ("UA", "Ukraine"), ("US", "United States")], start=1
    )
]


def test_dates_stay_in_range_sorted_and_thicken_towards_today() -> None:
    dates = generator.spread_dates(random.Random(3), 20_000, first=EARLIEST_DATE, last=TODAY)
    assert dates == sorted(dates)
    assert dates[0] >= EARLIEST_DATE and dates[-1] <= TODAY
    first_year = sum(1 for d in dates if d < EARLIEST_DATE + timedelta(days=365))
    last_year = sum(1 for d in dates if d > TODAY - timedelta(days=365))
    assert last_year > 2 * first_year > 0


def test_every_actor_holds_an_office_on_every_date_and_slugs_are_unique() -> None:
    cast = generator.build_cast(
        random.Random(5),
        COUNTRIES,
        actors=200,
        first_actor_id=10,
        first_office_id=20,
        taken_slugs={"anna-nowak"},
        today=TODAY,
    )
    slugs = [row[1] for row in cast.actors]
    assert len(slugs) == len(set(slugs)) and "anna-nowak" not in slugs
    assert {row[2] for row in cast.offices} == {c.id for c in COUNTRIES}  # every country has offices
    offices = {row[0]: row for row in cast.offices}
    ranks = Counter(row[4] for row in cast.offices)
    assert ranks["other"] > ranks["head"] > 0 and ranks["minister"] > 0
    for speakers in cast.speakers.values():
        for speaker in speakers:
            for day in (EARLIEST_DATE, date(2023, 7, 1), TODAY):
                office = offices[speaker.office_on(day)]
                assert office[1] == speaker.actor_id and office[2] == speaker.country.id
                assert (office[5] is None or office[5] <= day) and (office[6] is None or day < office[6])
    country_of = {row[1]: row[2] for row in cast.offices}
    names_by_country = Counter((country_of[row[0]], row[2]) for row in cast.actors)
    assert max(names_by_country.values()) == 1
    assert all(key for _, _, key in cast.aliases)


def test_fingerprints_match_the_statement_rule() -> None:
    make = generator.Fingerprints()
    for quote in ("Łódź said: “No”.", "Закрите небо врятує тисячі життів.", "Plain words."):
        for _ in range(2):  # the second call is served from the fold cache
            assert make(actor_id=7, topic_id=2, said_on=TODAY, quote=quote) == fingerprint(
                actor_id=7, topic_id=2, said_on=TODAY, quote=quote
            )
