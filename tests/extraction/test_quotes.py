import pytest

from app.extraction.quotes import find_quotes, paragraph_spans, quoted_share, word_count


def quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text, paragraph_spans(text))]


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("He said “we are ready” today.", "we are ready"),
        ('He said "we are ready" today.', "we are ready"),
        ("Er sagte „wir sind bereit“ heute.", "wir sind bereit"),
        ("Powiedział „jesteśmy gotowi” dziś.", "jesteśmy gotowi"),
        ("Il a dit « nous sommes prêts » hier.", " nous sommes prêts "),
        ("Er sagte »wir sind bereit« heute.", "wir sind bereit"),
        ("Er sagte ‚wir sind bereit‘ heute.", "wir sind bereit"),
    ],
)
def test_each_usual_quotation_style(text: str, inside: str) -> None:
    assert quoted(text) == [inside]


def test_apostrophes_are_not_quotes() -> None:
    assert quoted("Zelenskyy’s view and NATO's policy “stay”.") == ["stay"]


def test_a_quote_running_over_paragraphs() -> None:
    text = 'Quote: "I\'d want this.\n\nWe lack such a coalition."\n\nNext paragraph.'
    assert quoted(text) == ["I'd want this.\n\nWe lack such a coalition."]
    text = "“First part.\n\n“Second part,” he said."
    assert quoted(text) == ["First part.\n\n“Second part,"]


def test_an_unclosed_quote_ends_with_its_paragraph() -> None:
    assert quoted("He said “we are ready.\n\nAnother “thing” here.") == ["we are ready.", "thing"]


def test_word_count_and_quoted_share() -> None:
    text = "He said “we are ready now” today."
    quotes = find_quotes(text, paragraph_spans(text))
    assert word_count(text) == 7
    assert quoted_share(text, quotes, 0, len(text)) == pytest.approx(4 / 7)
    assert paragraph_spans("a\n\nb") == [(0, 1), (3, 4)]
