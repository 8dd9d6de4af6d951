from app.extraction.folding import flat
from app.extraction.verbs import VerbKind, find_verbs


def verbs_in(text: str) -> list[tuple[str, VerbKind]]:
    flattened = flat(text)
    return [(flattened[v.start : v.end], v.kind) for v in find_verbs(flattened)]


def test_verbs_of_saying_telling_and_acting() -> None:
    assert verbs_in("Tusk said, Sikorski told FT, Zelenskyy directed diplomats") == [
        ("said", VerbKind.SAY),
        ("told", VerbKind.TELL),
        ("directed", VerbKind.ACT),
    ]


def test_verbs_in_german_polish_and_romanian() -> None:
    assert [
        verb for verb, _ in verbs_in("sagte Hartmann; powiedziała Kowalczyk; a declarat Dobrescu; „A“, so Vogt")
    ] == ["sagte", "powiedziala", "a declarat", "so"]


def test_so_is_a_verb_only_after_a_quote_or_comma() -> None:
    assert verbs_in("and so Poland") == []


def test_a_verb_glued_to_that_is_still_found() -> None:
    assert verbs_in("Zelenskyy reportedthat the issue") == [("reported", VerbKind.SAY)]


def test_participles_and_german_verbs_are_marked() -> None:
    found = find_verbs(flat("struck a note, warning that; sagte am Montag, man dürfe"))
    assert [(v.participle, v.comma_clause) for v in found] == [(True, False), (False, True)]
