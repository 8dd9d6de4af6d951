import pytest

from app.extraction.conditions import condition_spans, condition_text


def conditions(quote: str) -> str | None:
    return condition_text(quote, condition_spans(quote))


@pytest.mark.parametrize(
    ("quote", "condition"),
    [
        ("A no-fly zone is possible, but only with a NATO decision.", "only with a NATO decision"),
        (
            "Poland would not shoot down missiles unless a decision is made at NATO level.",
            "unless a decision is made at NATO level",
        ),
        ("this would not be done without NATO approval.", "without NATO approval"),
        ("we will act if NATO decides so, and not before", "if NATO decides so"),
        (
            "Our pilots are ready, provided that the United States backs the mission.",
            "provided that the United States backs the mission",
        ),
        ("not while the war goes on, as long as the war continues.", "as long as the war continues"),
        (
            "Tusk said it would require NATO's involvement and approval.",
            "would require NATO's involvement and approval",
        ),
        ("Ein Einsatz komme nur mit einem Mandat der Nato in Frage.", "nur mit einem Mandat der Nato in Frage"),
        ("Polska może to zrobić, o ile pozwolą na to sojusznicy.", "o ile pozwolą na to sojusznicy"),
        ("nu vom trimite avioane fără o decizie comună a aliaților", "fără o decizie comună a aliaților"),
        ("must not begin before a peace deal is signed.", "before a peace deal is signed"),
    ],
)
def test_condition_phrases(quote: str, condition: str) -> None:
    assert conditions(quote) == condition


def test_spans_point_into_the_quote() -> None:
    quote = "We are ready, but only with a NATO decision, and only after a ceasefire."
    spans = condition_spans(quote)
    assert [quote[a:b] for a, b in spans] == ["only with a NATO decision", "only after a ceasefire"]
    assert conditions(quote) == "only with a NATO decision … only after a ceasefire"


@pytest.mark.parametrize(
    "quote", ["I asked if he would come.", "We will help even if it rains.", "NATO will not be directly involved."]
)
def test_no_condition(quote: str) -> None:
    assert conditions(quote) is None
