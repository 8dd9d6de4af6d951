"""Recall and precision on the seed articles and the invented test articles (tests/extraction/quality.py measures).

Thresholds, and why:
- recall at least 90% on each set, as the extractor's brief asks;
- precision at least 50% on the seed articles: their gold leaves out statements on no tracked question and
  restatements of a position ("Zelenskyy concluded …", "The Ukrainian leader recalled …"), which an editor
  still wants to see and dismisses with one click; a candidate for every second statement shown is the floor;
- precision at least 80% on the invented articles, whose gold records every statement they hold;
- on the held-out articles, recall at least 75% and precision at least 80%: they were first measured at 76%
  and 100% before anything was changed for them (docs/extraction.md).
"""

import pytest

from app.extraction import Candidate
from tests.extraction.quality import (
    HELD_OUT_ARTICLES,
    Case,
    Gold,
    Score,
    all_known_actors,
    invented_cases,
    matches,
    measure,
    seed_cases,
    shared_words,
    table,
)


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    actors = all_known_actors()
    return {
        "Seed articles": measure(seed_cases(), actors),
        "Test articles": measure(invented_cases(), actors),
        "Held-out test articles": measure(invented_cases(HELD_OUT_ARTICLES), actors),
    }


def test_print_the_table(scores: dict[str, Score]) -> None:
    print("\n" + table(scores))
    assert scores["Seed articles"].gold == 25  # 24 statements, one of them cited by two articles


def test_seed_articles(scores: dict[str, Score]) -> None:
    assert scores["Seed articles"].recall >= 0.9
    assert scores["Seed articles"].precision >= 0.5


def test_test_articles(scores: dict[str, Score]) -> None:
    assert scores["Test articles"].recall >= 0.9
    assert scores["Test articles"].precision >= 0.8


def test_held_out_articles(scores: dict[str, Score]) -> None:
    assert scores["Held-out test articles"].recall >= 0.75
    assert scores["Held-out test articles"].precision >= 0.8


def test_an_article_with_no_statement_yields_no_candidate(scores: dict[str, Score]) -> None:
    [outcome] = [o for o in scores["Test articles"].outcomes if o.case.name == "en_background_only.txt"]
    assert outcome.candidates == ()


def test_the_measure_wants_the_same_speaker_and_most_of_the_words() -> None:
    actors = all_known_actors()
    gold = Gold(
        "Radosław Sikorski", "Warsaw was contemplating the possibility of shooting down Russian missiles over Ukraine."
    )

    def candidate(actor: str, slug: str | None, quote: str) -> Candidate:
        return Candidate(actor, slug, None, None, quote, False, None, None, False, "en", None, None, "")

    assert matches(
        candidate("Radoslaw Sikorski", None, "Warsaw was contemplating shooting down Russian missiles over Ukraine"),
        gold,
        actors,
    )
    assert not matches(candidate("Donald Tusk", "donald-tusk", gold.quote), gold, actors)
    assert not matches(candidate("Radosław Sikorski", "radoslaw-sikorski", "Warsaw was contemplating"), gold, actors)
    assert shared_words("A b c d e", "a b c x y") == pytest.approx(0.6)
    assert Case("x", HELD_OUT_ARTICLES, ()).gold == ()
