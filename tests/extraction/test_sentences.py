from app.extraction.quotes import find_quotes, paragraph_spans
from app.extraction.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    quotes = find_quotes(text, paragraph_spans(text))
    return [text[a:b] for a, b in sentence_spans(text, 0, len(text), quotes)]


def test_sentences_end_at_a_stop_before_a_capital() -> None:
    assert sentences("Tusk spoke. Sikorski agreed! Was it? yes.") == ["Tusk spoke.", "Sikorski agreed!", "Was it? yes."]


def test_a_quote_with_stops_inside_stays_whole_with_its_attribution() -> None:
    text = "“We are ready. We will act,” he said. “A no-fly zone is possible.” Lepik left."
    assert sentences(text) == ["“We are ready. We will act,” he said.", "“A no-fly zone is possible.”", "Lepik left."]


def test_abbreviations_initials_and_numbers_end_no_sentence() -> None:
    assert sentences("Gen. Smith met J. Doe and the U.S. envoy at 3.5 km. Then he left.") == [
        "Gen. Smith met J. Doe and the U.S. envoy at 3.5 km.",
        "Then he left.",
    ]


def test_a_paragraph_break_outside_quotes_ends_a_sentence() -> None:
    assert sentences("A headline without a stop\n\nThe body starts.") == [
        "A headline without a stop",
        "The body starts.",
    ]
    text = 'Quote: "One.\n\nTwo." Three.'
    assert sentences(text) == ['Quote: "One.\n\nTwo."', "Three."]
