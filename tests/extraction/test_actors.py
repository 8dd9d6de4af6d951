from datetime import date

from app.extraction.actors import (
    ActorDirectory,
    KnownActor,
    KnownOffice,
    Speaker,
    tokens_of,
    word_matches,
)

SIKORSKI = KnownActor(
    "radoslaw-sikorski", "Radosław Sikorski", "PL", ("Sikorski",), (KnownOffice("Minister of Foreign Affairs"),)
)
ZELENSKYY = KnownActor(
    "volodymyr-zelenskyy",
    "Volodymyr Zelenskyy",
    "UA",
    ("Zelenskyy", "Zelensky"),
    (KnownOffice("President of Ukraine"),),
)
STOLTENBERG = KnownActor(
    "jens-stoltenberg",
    "Jens Stoltenberg",
    "NATO",
    ("Stoltenberg",),
    (KnownOffice("Secretary General of NATO", ended_on=date(2024, 10, 1)),),
)


def names_in(text: str, directory: ActorDirectory) -> list[tuple[str, str]]:
    tokens = tokens_of(text)
    return [(text[tokens[a].start : tokens[b - 1].end], speaker.name) for a, b, speaker in directory.mentions(tokens)]


def test_known_names_and_aliases_are_found_ignoring_diacritics() -> None:
    directory = ActorDirectory([SIKORSKI, ZELENSKYY])
    text = "Radoslaw Sikorski met Zelensky; Sikorski spoke first."
    assert names_in(text, directory) == [
        ("Radoslaw Sikorski", "Radosław Sikorski"),
        ("Zelensky", "Volodymyr Zelenskyy"),
        ("Sikorski", "Radosław Sikorski"),
    ]


def test_a_name_in_another_case_or_misspelt_is_found() -> None:
    directory = ActorDirectory([SIKORSKI, ZELENSKYY])
    assert names_in("Według Sikorskiego oraz Zelsnkyy", directory) == [
        ("Sikorskiego", "Radosław Sikorski"),
        ("Zelsnkyy", "Volodymyr Zelenskyy"),
    ]


def test_lower_case_words_are_no_names() -> None:
    assert names_in("the sikorski plan", ActorDirectory([SIKORSKI])) == []


def test_word_matches() -> None:
    assert word_matches("wroblewskiego", "wroblewski")
    assert word_matches("zelsnkyy", "zelenskyy")
    assert not word_matches("tuskegee", "tusk")
    assert not word_matches("rutta", "rutte")  # too short for a slip


def test_a_name_two_actors_share_matches_neither() -> None:
    other = KnownActor("anna-sikorski", "Anna Sikorski", "PL", ("Sikorski",))
    directory = ActorDirectory([SIKORSKI, other])
    assert directory.speaker_named("Sikorski") is None
    assert directory.speaker_named("Anna Sikorski") == Speaker(name="Anna Sikorski", known=other, country="PL")


def test_a_new_speaker_is_found_by_surname_once_named_in_full() -> None:
    directory = ActorDirectory([])
    directory.add_speaker(Speaker(name="Kadri Lepik", office="Prime Minister", country="EE"))
    assert names_in("Lepik added that", directory) == [("Lepik", "Kadri Lepik")]


def test_a_known_surname_ends_a_longer_name() -> None:
    found = ActorDirectory([SIKORSKI]).speaker_named("Radek Sikorski")
    assert found is not None and found.known == SIKORSKI


def test_office_on_a_day_and_the_current_one() -> None:
    assert STOLTENBERG.office_on(date(2024, 7, 14)) == "Secretary General of NATO"
    assert STOLTENBERG.office_on(date(2024, 11, 1)) is None
    assert STOLTENBERG.office_on(None) is None
    assert SIKORSKI.office_on(None) == "Minister of Foreign Affairs"


def test_speaker_key_and_country() -> None:
    assert Speaker(name="x", known=SIKORSKI, country="DE").key == "radoslaw-sikorski"
    assert Speaker(name="x", known=SIKORSKI, country="DE").country_code() == "PL"
    assert Speaker(name="Kadri Lepik", country="EE").key == "kadri lepik"


def test_a_known_actor_speaks_for_the_country_of_the_office_held_that_day() -> None:
    rutte = KnownActor(
        "mark-rutte",
        "Mark Rutte",
        "NATO",
        ("Rutte",),
        (
            KnownOffice("Prime Minister of the Netherlands", "NL", date(2010, 10, 14), date(2024, 7, 2)),
            KnownOffice("Secretary General of NATO", "NATO", date(2024, 10, 1)),
        ),
    )
    assert (rutte.office_on(date(2022, 3, 12)), rutte.country_on(date(2022, 3, 12))) == (
        "Prime Minister of the Netherlands",
        "NL",
    )
    assert rutte.country_on(date(2025, 2, 1)) == "NATO" and rutte.country_on(None) == "NATO"
