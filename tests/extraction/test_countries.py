import pytest

from app.extraction.countries import capital_country, country_code, country_name


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("Estonian", "EE"),
        ("Poland's", "PL"),
        ("Poland’s", "PL"),
        ("German", "DE"),
        ("Romanian", "RO"),
        ("rumänische", "RO"),
        ("România", "RO"),
        ("polskiego", "PL"),
        ("niemiecki", "DE"),
        ("ukraiński", "UA"),
        ("Ukrainian", "UA"),
        ("NATO", "NATO"),
        ("NATO's", "NATO"),
        ("the United States", "US"),
        ("U.S.", "US"),
        ("British", "GB"),
        ("North Macedonian", "MK"),
        ("EU", "EU"),
        ("litewski", "LT"),
        ("Latvian", "LV"),
    ],
)
def test_country_names_and_adjectives_map_to_codes(phrase: str, code: str) -> None:
    assert country_code(phrase) == code


@pytest.mark.parametrize("phrase", ["said", "the", "bloc", "Kyiv", "", "European"])
def test_other_words_are_no_country(phrase: str) -> None:
    assert country_code(phrase) is None


def test_capitals_stand_for_their_countries() -> None:
    assert [capital_country(word) for word in ("Kyiv", "Kiev", "Warsaw", "Warschau", "București", "Brussels")] == [
        "UA",
        "UA",
        "PL",
        "PL",
        "RO",
        None,
    ]


def test_country_name() -> None:
    assert (country_name("UA"), country_name("NATO"), country_name("XX")) == ("Ukraine", "NATO", "XX")
