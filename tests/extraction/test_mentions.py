from app.extraction.actors import ActorDirectory, KnownActor, KnownOffice
from app.extraction.folding import flat
from app.extraction.mentions import Mention, MentionKind, find_mentions
from app.extraction.verbs import find_verbs

GOVERNMENT = KnownActor(
    "government-of-ukraine", "Government of Ukraine", "UA", ("Ukrainian government", "Ukrainian officials")
)
SPOKESPERSON = KnownActor("nato-spokesperson", "NATO spokesperson", "NATO", (), (KnownOffice("NATO spokesperson"),))
GEOANA = KnownActor(
    "mircea-geoana", "Mircea Geoana", "NATO", ("Geoana",), (KnownOffice("Deputy Secretary General of NATO"),)
)


def mentions_in(text: str, known: list[KnownActor] | None = None) -> list[Mention]:
    return find_mentions(text, directory=ActorDirectory(known or []), verbs=find_verbs(flat(text)))


def described(
    text: str, known: list[KnownActor] | None = None
) -> list[tuple[str, str, str | None, str | None, str | None]]:
    rows = []
    for m in mentions_in(text, known):
        speaker = m.speaker
        rows.append(
            (
                text[m.start : m.end],
                m.kind.value,
                speaker.name if speaker else m.role,
                speaker.office if speaker else None,
                speaker.country if speaker else m.country,
            )
        )
    return rows


def test_names_after_an_office_give_office_and_country() -> None:
    assert described("Estonian Prime Minister Kadri Lepik said") == [
        ("Estonian Prime Minister Kadri Lepik", "name", "Kadri Lepik", "Prime Minister", "EE")
    ]
    assert described("Poland's foreign minister Anna Kowalczyk warned") == [
        ("Poland's foreign minister Anna Kowalczyk", "name", "Anna Kowalczyk", "Foreign minister", "PL")
    ]
    assert described("German Chancellor Olaf Scholz") == [
        ("German Chancellor Olaf Scholz", "name", "Olaf Scholz", "Chancellor", "DE")
    ]


def test_title_comma_name_comma() -> None:
    assert described("the Romanian defence minister, Angel Tîlvăr, said") == [
        ("the Romanian defence minister, Angel Tîlvăr,", "name", "Angel Tîlvăr", "Defence minister", "RO")
    ]


def test_a_word_before_the_office_that_is_no_country_is_left_out() -> None:
    rows = described("over Ukrainian territory, Prime Minister Marek Horváth said")
    assert rows == [("Prime Minister Marek Horváth", "name", "Marek Horváth", "Prime Minister", None)]


def test_an_office_after_the_name_in_commas() -> None:
    rows = described("Mircea Geoana, NATO’s outgoing deputy secretary-general, told FT", [GEOANA])
    assert rows[0][:3] == ("Mircea Geoana, NATO’s outgoing deputy secretary-general,", "name", "Mircea Geoana")


def test_an_office_in_commas_with_whose_office_it_is() -> None:
    rows = described("Ruth Nobody, a spokesperson for the Ministry of Things, said the plan was off")
    assert rows[0][1:4] == ("name", "Ruth Nobody", "Spokesperson for the Ministry of Things")


def test_more_than_an_office_in_commas_is_no_office() -> None:
    rows = described("Ruth Nobody, a spokesperson who left, said the plan was off")
    assert rows == [("a spokesperson", "role", "spokesperson", None, None)]


def test_an_office_of_a_country_and_a_title_naming_its_country() -> None:
    assert described("President of Ukraine Volodymyr Zelenskyy")[0][2:] == (
        "Volodymyr Zelenskyy",
        "President of Ukraine",
        "UA",
    )
    assert described("Bundeskanzler Rainer Vogt")[0][2:] == ("Rainer Vogt", "Bundeskanzler", "DE")


def test_a_full_name_before_a_verb_needs_no_office() -> None:
    assert described("Kaja Kallas said on Monday") == [("Kaja Kallas", "name", "Kaja Kallas", None, None)]
    assert described("Europa Press reported that") == []


def test_offices_without_names_and_pronouns_point_back() -> None:
    assert [
        (t, kind, role, country)
        for t, kind, role, _, country in described("the chancellor said, and the Ukrainian leader recalled; he added")
    ] == [
        ("the chancellor", "role", "chancellor", None),
        ("the Ukrainian leader", "role", "leader", "UA"),
        ("he", "pronoun", None, None),
    ]
    assert [row[1:3] for row in described("– podkreślił szef MON.")] == [("role", "szef mon")]


def test_spokespeople_by_institution() -> None:
    rows = described("a spokesperson for the bloc told Europa Press about NATO", [SPOKESPERSON])
    assert rows == [("a spokesperson for the bloc", "name", "NATO spokesperson", None, "NATO")]


def test_a_capital_is_its_government_unless_it_is_a_place() -> None:
    rows = described("Kyiv asked its partners, and in Kyiv officials met.", [GOVERNMENT])
    assert [(text, name) for text, _, name, _, _ in rows] == [("Kyiv", "Government of Ukraine")]


def test_known_aliases_are_mentions() -> None:
    assert described("citing Ukrainian officials, that", [GOVERNMENT])[0][:3] == (
        "Ukrainian officials",
        "name",
        "Government of Ukraine",
    )


def test_overlaps_keep_the_longer_named_mention() -> None:
    kinds = [
        (m.kind, m.speaker.name if m.speaker else None)
        for m in mentions_in("President Volodymyr Zelenskyy and NATO Secretary General Mark Rutte")
    ]
    assert kinds == [(MentionKind.NAME, "Volodymyr Zelenskyy"), (MentionKind.NAME, "Mark Rutte")]


def test_an_office_opening_a_paragraph_starts_there() -> None:
    text = "Tusk said “no”.\n\nForeign Minister Radosław Sikorski told reporters that it was so."
    rows = described(text)
    assert rows[-1][:3] == ("Foreign Minister Radosław Sikorski", "name", "Radosław Sikorski")
