from datetime import date
from pathlib import Path

from app.extraction import (
    Article,
    Candidate,
    KnownActor,
    KnownOffice,
    find_candidates,
    read_article,
)

ARTICLES = Path(__file__).parent / "articles"
TODAY = date(2026, 12, 1)
SIKORSKI = KnownActor(
    "radoslaw-sikorski", "Radosław Sikorski", "PL", ("Sikorski",), (KnownOffice("Minister of Foreign Affairs"),)
)
VOGT = KnownActor("rainer-vogt", "Rainer Vogt", "DE", ("Vogt",), (KnownOffice("Chancellor of Germany"),))
GOVERNMENT = KnownActor(
    "government-of-ukraine",
    "Government of Ukraine",
    "UA",
    ("Ukrainian officials",),
    (KnownOffice("Government of Ukraine"),),
)
KNOWN = [SIKORSKI, VOGT, GOVERNMENT]


def candidates(
    *paragraphs: str, published_on: date | None = date(2024, 9, 15), today: date = TODAY, title: str | None = None
) -> list[Candidate]:
    return find_candidates(Article(paragraphs, title), published_on=published_on, known_actors=KNOWN, today=today)


def test_a_known_actor_by_an_alias_gets_slug_office_and_country() -> None:
    [found] = candidates(
        "Radoslaw Sikorski said on Saturday that Warsaw was contemplating shooting down missiles over Ukraine."
    )
    assert (found.actor, found.actor_slug, found.office, found.country) == (
        "Radosław Sikorski",
        "radoslaw-sikorski",
        "Minister of Foreign Affairs",
        "PL",
    )
    assert (found.quote, found.quote_is_verbatim) == (
        "Warsaw was contemplating shooting down missiles over Ukraine.",
        False,
    )
    assert (found.said_on, found.date_precision, found.topic) == (date(2024, 9, 14), "day", "intercept-over-ukraine")


def test_a_new_name_gets_the_office_and_country_the_text_gives() -> None:
    [found] = candidates(
        "“We cannot keep counting drones and call it a strategy,” Estonian Prime Minister Kadri Lepik said."
    )
    assert (found.actor, found.actor_slug, found.office, found.country) == ("Kadri Lepik", None, "Prime Minister", "EE")
    assert found.quote_is_verbatim and found.quote == "We cannot keep counting drones and call it a strategy,"


def test_a_pronoun_attaches_to_the_last_named_speaker_in_the_paragraph_and_split_quotes_join() -> None:
    found = candidates(
        "Vogt spoke first. Radosław Sikorski met reporters in Riga on Friday. "
        "“Every government has the same problem,” he said, “and none can solve it alone.”",
    )
    assert [(c.actor, c.quote) for c in found] == [
        ("Radosław Sikorski", "Every government has the same problem, … and none can solve it alone.")
    ]


def test_a_pronoun_in_a_paragraph_naming_nobody_attaches_to_the_last_speaker() -> None:
    found = candidates(
        "Sikorski said that Warsaw was ready to act over Ukraine.",
        "The Baltic states have spent heavily on air defence since 2022.",
        "“Nobody can solve it alone,” he said.",
    )
    assert [c.actor for c in found] == ["Radosław Sikorski", "Radosław Sikorski"]


def test_a_quote_standing_alone_belongs_to_the_speaker_before_it() -> None:
    found = candidates(
        "Sikorski told reporters that Poland had a duty to protect its airspace from Russian missiles.",
        "“We will not wait for the debris to fall on our villages.”",
    )
    assert [(c.actor, c.quote_is_verbatim) for c in found] == [
        ("Radosław Sikorski", False),
        ("Radosław Sikorski", True),
    ]


def test_a_quote_standing_alone_after_a_paragraph_without_a_speaker_has_none() -> None:
    found = candidates(
        "Sikorski told reporters that Poland had a duty to protect its airspace from Russian missiles.",
        "The Baltic states have spent heavily on air defence since 2022.",
        "“We will not wait for the debris to fall on our villages.”",
    )
    assert [c.quote_is_verbatim for c in found] == [False]


def test_an_office_named_without_a_name_points_back() -> None:
    found = candidates(
        "German Chancellor Rainer Vogt struck a cautious note in Berlin.",
        "“We will help Ukraine defend its cities with air defence, not with our pilots,” the chancellor said.",
    )
    assert [(c.actor, c.topic) for c in found] == [("Rainer Vogt", "air-defence-supply")]


def test_consecutive_statements_of_one_speaker_in_a_paragraph_are_one_candidate() -> None:
    [found] = candidates(
        "Sikorski said that Warsaw was ready to act over Ukraine. He "
        "added that Kyiv supports the idea of intercepting missiles."
    )
    assert found.quote == "Warsaw was ready to act over Ukraine. … Kyiv supports the idea of intercepting missiles."


def test_joint_speakers_give_one_candidate_each() -> None:
    found = candidates("Thus, Sikorski and Vogt discussed response measures for the coming winter.")
    assert [c.actor for c in found] == ["Radosław Sikorski", "Rainer Vogt"]


def test_a_capital_speaks_for_its_government() -> None:
    [found] = candidates("Following the strike, Kyiv asked its partners to help strengthen its air defences.")
    assert (found.actor, found.actor_slug, found.country, found.topic) == (
        "Government of Ukraine",
        "government-of-ukraine",
        "UA",
        "air-defence-supply",
    )


def test_language_and_translation_flag() -> None:
    [found] = candidates(
        "„Wir werden keine russischen Raketen über der Ukraine abschießen“, sagte Vogt am Montag.",
        published_on=date(2024, 10, 8),
    )
    assert (found.language, found.needs_translation, found.said_on) == ("de", True, date(2024, 10, 7))
    [english] = candidates("Sikorski said that Warsaw was contemplating shooting down missiles over Ukraine.")
    assert (english.language, english.needs_translation) == ("en", False)


def test_condition_and_its_spans_in_the_quote() -> None:
    [found] = candidates(
        "“A no-fly zone over the west of Ukraine is possible, but only with a NATO decision,” Sikorski said."
    )
    assert found.condition == "only with a NATO decision"
    assert [found.quote[a:b] for a, b in found.condition_spans] == ["only with a NATO decision"]


def test_context_is_the_sentences_around_the_statement_in_its_paragraph() -> None:
    [found] = candidates(
        "The talks ran late. Sikorski said that Warsaw was ready "
        "to act over Ukraine. Nobody else spoke. Then it rained."
    )
    assert (
        found.context
        == "The talks ran late. Sikorski said that Warsaw was ready to act over Ukraine. Nobody else spoke."
    )


def test_dates_without_an_article_date_and_never_after_today() -> None:
    [undated] = candidates("Sikorski said on Saturday that Warsaw was ready to act over Ukraine.", published_on=None)
    assert (undated.said_on, undated.date_precision) == (None, None)
    [dated] = candidates("Sikorski said on 13 July 2024 that Warsaw was ready to act over Ukraine.", published_on=None)
    assert dated.said_on == date(2024, 7, 13)
    [future] = candidates(
        "Sikorski said that Warsaw was ready.", published_on=date(2030, 1, 1), today=date(2026, 12, 1)
    )
    assert future.said_on == date(2026, 12, 1) and future.date_is_report_date
    assert not dated.date_is_report_date and not undated.date_is_report_date


def test_paragraphs_with_no_statement_headlines_and_the_title_yield_nothing() -> None:
    assert (
        candidates(
            "Sikorski says Poland is ready to act",
            "The Baltic states have spent heavily on air defence since 2022.",
            "Grimes says Elon Musk has become “unrecognizable”",
            "Popular",
            title="Sikorski says Poland is ready to act",
        )
        == []
    )


def test_an_html_page_s_scripts_never_reach_a_candidate() -> None:
    article = read_article((ARTICLES / "en_ceasefire_air_policing.html").read_bytes(), filename="page.html")
    found = find_candidates(article, published_on=None, known_actors=KNOWN, today=TODAY)
    assert len(found) == 4
    assert not any("script" in text.lower() for c in found for text in (c.quote, c.context, c.actor))


def test_json_form() -> None:
    [found] = candidates("“A no-fly zone is possible, but only with a NATO decision,” Sikorski said on Saturday.")
    assert found.to_json() == {
        "actor": "Radosław Sikorski",
        "actor_slug": "radoslaw-sikorski",
        "office": "Minister of Foreign Affairs",
        "country": "PL",
        "quote": "A no-fly zone is possible, but only with a NATO decision,",
        "quote_is_verbatim": True,
        "said_on": "2024-09-14",
        "date_precision": "day",
        "date_is_report_date": False,
        "language": "en",
        "topic": "no-fly-zone",
        "condition": "only with a NATO decision",
        "context": "“A no-fly zone is possible, but only with a NATO decision,” Sikorski said on Saturday.",
        "condition_spans": [[31, 56]],
        "needs_translation": False,
    }
