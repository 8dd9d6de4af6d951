from datetime import date
from pathlib import Path

import pytest

from app.extraction.article import Article, is_title, read_article
from app.extraction.errors import ExtractionError

ARTICLES = Path(__file__).parent / "articles"
SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "articles"


def test_plain_text_keeps_its_lines_as_paragraphs_and_reads_headline_and_dateline() -> None:
    article = read_article(
        "Estonia calls for a no-fly zone\n\nTallinn, 15 September 2024\n\nLepik said so.\nShe left.\n"
    )
    assert article.paragraphs == (
        "Estonia calls for a no-fly zone",
        "Tallinn, 15 September 2024",
        "Lepik said so.",
        "She left.",
    )
    assert (article.title, article.published_on) == ("Estonia calls for a no-fly zone", date(2024, 9, 15))
    assert (
        article.text == "Estonia calls for a no-fly zone\n\nTallinn, 15 September 2024\n\nLepik said so.\n\nShe left."
    )


def test_lines_wrapped_at_a_width_are_one_paragraph() -> None:
    block = (
        "The Baltic states have spent heavily on air defence since the\n"
        "invasion began, and the budgets of all three have passed three\n"
        "percent of their output this year, the highest in the alliance.\n"
    )
    assert read_article(block).paragraphs == (" ".join(block.split()),)


def test_a_first_line_that_ends_a_sentence_is_no_headline() -> None:
    assert read_article("Lepik said that allies should act.\n\nMore text.").title is None


def test_html_gives_main_text_title_and_date_without_scripts() -> None:
    article = read_article((ARTICLES / "en_ceasefire_air_policing.html").read_bytes(), filename="page.html")
    assert article.title == "Allies weigh air policing over Ukraine after a ceasefire"
    assert article.published_on == date(2025, 3, 12)
    assert any(
        paragraph.startswith("Lithuanian President Jonas Vaitkus said last Tuesday") for paragraph in article.paragraphs
    )
    assert "scripted" not in article.text.lower() and "Scripted" not in article.text
    assert "All rights reserved" not in article.text  # the footer is not the article


def test_html_is_recognised_by_its_markup_without_a_file_name() -> None:
    html = (
        "<html><body><p>Kallas said the alliance must act now, and "
        "that it could not wait for another winter.</p></body></html>"
    )
    assert read_article(html).paragraphs == (
        "Kallas said the alliance must act now, and that it could not wait for another winter.",
    )


def test_html_without_a_main_text_falls_back_to_the_visible_text() -> None:
    html = "<html><head><script>var x = 'hidden words';</script></head><body><div>Short.</div></body></html>"
    article = read_article(html)
    assert "hidden" not in article.text
    assert article.paragraphs == ("Short.",)


def test_bytes_are_decoded_as_utf8_or_windows_1252() -> None:
    assert read_article("Radosław Sikorski said so.".encode(), filename="a.txt").paragraphs == (
        "Radosław Sikorski said so.",
    )
    assert read_article("Café “quotes” said so.".encode("cp1252"), filename="a.txt").paragraphs == (
        "Café “quotes” said so.",
    )
    assert read_article("Tîlvăr said so.".encode("utf-16"), filename="a.txt").paragraphs == ("Tîlvăr said so.",)


@pytest.mark.parametrize(
    ("raw", "filename", "field", "words"),
    [
        ("", None, "text", "empty"),
        ("   \n\n  ", None, "text", "empty"),
        (b"", "empty.txt", "file", "empty"),
        (b"%PDF-1.7\n%binary", "article.pdf", "file", "PDF"),
        (b"PK\x03\x04\x14\x00", "article.docx", "file", "Word"),
        (b"\x00\x01\x02\x03garbage", "data.bin", "file", "not text or HTML"),
        ("text\x01\x02\x03\x04\x05 with controls", None, "text", "not text or HTML"),
        ("<html><head><script>only()</script></head><body></body></html>", None, "text", "No article text"),
    ],
)
def test_what_is_not_an_article_is_refused_with_a_message_and_a_field(
    raw: bytes | str, filename: str | None, field: str, words: str
) -> None:
    with pytest.raises(ExtractionError) as refused:
        read_article(raw, filename=filename)
    assert refused.value.field == field
    assert words in refused.value.message


def test_too_large_is_refused() -> None:
    with pytest.raises(ExtractionError) as refused:
        read_article(b"a" * 5_000_001, filename="big.txt")
    assert "too large" in refused.value.message


def test_seed_articles_read_as_their_text() -> None:
    article = read_article((SEEDS / "003_d2f775206a8009ab.txt").read_bytes(), filename="003.txt")
    assert article.title == "NATO warns members against shooting down Russian missiles"
    assert article.published_on == date(2024, 9, 2)


def test_is_title_compares_folded() -> None:
    assert is_title("NATO WARNS members", "Nato warns members")
    assert not is_title("NATO warns", None)
    assert Article(("a",)).text == "a"
