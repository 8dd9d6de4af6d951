import pytest

from app.extraction.actors import ActorDirectory, KnownActor
from app.extraction.attribution import SentenceParts, Statement, read_statement
from app.extraction.dates import find_dates
from app.extraction.folding import flat
from app.extraction.mentions import find_mentions
from app.extraction.quotes import find_quotes, paragraph_spans
from app.extraction.verbs import find_verbs

KNOWN = [
    KnownActor("anna-nowak", "Anna Nowak", "PL", ("Nowak",)),
    KnownActor("mark-rutte", "Mark Rutte", "NATO", ("Rutte",)),
]


def statement_of(sentence: str, known: list[KnownActor] | None = None) -> tuple[Statement | None, str]:
    flattened = flat(sentence)
    verbs = find_verbs(flattened)
    parts = SentenceParts(
        0,
        len(sentence),
        tuple(find_quotes(sentence, paragraph_spans(sentence))),
        tuple(find_mentions(sentence, directory=ActorDirectory(known or []), verbs=verbs)),
        tuple(verbs),
        tuple(find_dates(sentence)),
    )
    return read_statement(sentence, flattened, parts), sentence


def read(sentence: str, known: list[KnownActor] | None = None) -> tuple[list[str], list[str], bool] | None:
    statement, text = statement_of(sentence, known)
    if statement is None:
        return None
    speakers = [text[m.start : m.end] for m in statement.speakers]
    return speakers, [text[a:b] for a, b in statement.fragments], statement.verbatim


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("“We are ready to act now,” Kadri Lepik said.", (["Kadri Lepik"], ["We are ready to act now,"], True)),
        (
            "“We are ready,” she said, “but only with a NATO decision.”",
            (["she"], ["We are ready,", "but only with a NATO decision."], True),
        ),
        ("Kadri Lepik said: “We are ready to act now.”", (["Kadri Lepik"], ["We are ready to act now."], True)),
        (
            "„Wir liefern weitere Systeme an die Ukraine“, sagte Jens Hartmann am Montag.",
            (["Jens Hartmann"], ["Wir liefern weitere Systeme an die Ukraine"], True),
        ),
        ("„Nie wykluczamy żadnego scenariusza” – dodała.", ([], ["Nie wykluczamy żadnego scenariusza"], True)),
    ],
)
def test_a_quote_before_or_after_its_attribution(sentence: str, expected: tuple[list[str], list[str], bool]) -> None:
    assert read(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        (
            "Polish Prime Minister Anna Nowak said that Poland would open a discussion with allies.",
            "Poland would open a discussion with allies.",
        ),
        (
            "Anna Nowak said Poland would not shoot down missiles over Ukraine.",
            "Poland would not shoot down missiles over Ukraine.",
        ),
        (
            "Latvian Foreign Minister Jānis Bērziņš said on 13 July that members should be allowed to intercept.",
            "members should be allowed to intercept.",
        ),
        (
            "According to Anna Nowak, the alliance is not considering any mission.",
            "the alliance is not considering any mission.",
        ),
        ("The drones carried no explosives, Anna Nowak added.", "The drones carried no explosives"),
        (
            "Anna Nowak directed diplomats to explore a coalition of neighbours.",
            "directed diplomats to explore a coalition of neighbours.",
        ),
        ("Anna Nowak told FT that the bloc respects every member's right.", "the bloc respects every member's right."),
        (
            "Kanzler Rainer Vogt betonte, dass Deutschland zwei Systeme liefern werde.",
            "Deutschland zwei Systeme liefern werde.",
        ),
        (
            "Außenministerin Rūta Jankauskienė sagte am Montag, man dürfe nicht länger zusehen.",
            "man dürfe nicht länger zusehen.",
        ),
        (
            "Minister spraw zagranicznych Anna Kowalczyk zaznaczyła, że Warszawa jest otwarta na dyskusję.",
            "Warszawa jest otwarta na dyskusję.",
        ),
        (
            "Ministrul apărării, Mihai Dobrescu, a declarat miercuri că armata nu are temei legal.",
            "armata nu are temei legal.",
        ),
        (
            "Swedish Foreign Minister Anders Lindqvist struck a note "
            "of caution, warning that a force would be a bluff.",
            "a force would be a bluff.",
        ),
        (
            "Anna Nowak discussed the plans for a shield with officials, according to Europa Press.",
            "discussed the plans for a shield with officials",
        ),
    ],
)
def test_reported_speech(sentence: str, words: str) -> None:
    found = read(sentence)
    assert found is not None
    assert found[1:] == ([words], False)


def test_mostly_quoted_words_are_verbatim_and_keep_only_the_quote() -> None:
    assert read(
        "In Anna Nowak’s opinion, this is “probably difficult for partners, because they fear escalation”.", KNOWN
    ) == (["Anna Nowak"], ["probably difficult for partners, because they fear escalation"], True)


def test_partly_quoted_reported_speech_is_not_verbatim() -> None:
    found = read(
        "Anna Nowak told FT that the bloc respects every member’s "
        "“sovereign right to deliver national security,” in her view."
    )
    assert found is not None and found[2] is False


def test_joint_speakers() -> None:
    found = read("Thus, Mark Rutte and Anna Nowak discussed response measures for the coming winter.", KNOWN)
    assert found is not None and found[0] == ["Mark Rutte", "Anna Nowak"]


def test_a_quotation_standing_alone_has_no_speaker_yet() -> None:
    statement, text = statement_of('Quote: "We must investigate the feasibility of using aircraft."')
    assert statement is not None and not statement.attributed and statement.speakers == ()
    assert [text[a:b] for a, b in statement.fragments] == ["We must investigate the feasibility of using aircraft."]


def test_a_label_before_an_attribution_is_not_part_of_the_sentence() -> None:
    assert read("Details: According to Anna Nowak, the alliance is not considering any mission.", KNOWN) == (
        ["Anna Nowak"],
        ["the alliance is not considering any mission."],
        False,
    )


def test_sentences_with_no_statement() -> None:
    assert read("The Baltic states have spent heavily on air defence since 2022.") is None
    assert read("The so-called “European Sky Shield” initiative now counts twenty countries.") is None
    assert read("Anna Nowak said so.") is None  # too few words to be a statement
    assert read("Speaking in Berlin on Friday, Anna Nowak said on Monday, addressing reporters.") is None
