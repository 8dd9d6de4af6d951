"""app/web/statement_html.py: a statement's card writes exactly what the Jinja macro it replaced wrote."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import markupsafe
import pytest

from app.actors.models import ActorKind, OfficeRank
from app.actors.rules import PositionChange
from app.actors.service import ChangeShown
from app.statements.cards import ActorCard, CountryCard, OfficeCard, SourceCard, StatementCard, TopicCard
from app.statements.models import DatePrecision, StatementStatus
from app.web.statement_html import escape, position_change, statement_card
from app.web.templating import make_environment

# The card as the macro in templates/_macros/statements.html wrote it before it moved to Python.
MACRO = (
    '{% from "_macros/stances.html" import stance_badge %}\n'
    + (Path(__file__).parent / "statement_card_macro.html").read_text()
    + "\n{{ card(s, weighed=weighed, show_topic=show_topic, show_country=show_country, id_prefix=id_prefix) }}"
)

SOURCE = SourceCard(
    url="https://example.org/news?a=1&b=<2>", key=None, outlet="Rzeczpospolita", title='Sikorski: "No" & more',
    published_on=date(2024, 3, 9), language="pl",
)  # fmt: skip
CARD = StatementCard(
    id=42,
    actor=ActorCard("Radosław Sikorski", "radoslaw-sikorski", ActorKind.PERSON),
    country=CountryCard("PL", "Poland"),
    office=OfficeCard("Minister of Foreign Affairs", OfficeRank.MINISTER),
    topic=TopicCard("no-fly-zone", "No-fly zone", False),
    said_on=date(2024, 3, 9),
    date_precision=DatePrecision.DAY,
    date_is_report_date=False,
    date_note=None,
    quote="Nie <wykluczamy> 'niczego' & nikogo.",
    quote_is_verbatim=True,
    language="pl",
    translation="We rule <nothing> out.",
    stance=-1,
    condition="only with allies & a mandate",
    rationale=None,
    status=StatementStatus.PUBLISHED,
    retraction_reason=None,
    version=1,
    created_at=datetime(2024, 3, 10, tzinfo=UTC),
    updated_at=datetime(2024, 3, 10, tzinfo=UTC),
    sources=(SOURCE, replace(SOURCE, url=None, published_on=None, title="Interview <transcript>")),
)


def _cards() -> list[StatementCard]:
    return [
        CARD,
        replace(CARD, language="en", translation=None, condition=None, quote_is_verbatim=False, sources=()),
        replace(CARD, status=StatementStatus.RETRACTED, retraction_reason='Misattributed: "the <other> one"'),
        replace(CARD, date_precision=DatePrecision.MONTH, date_is_report_date=True, language="pt-BR", stance=2),
        replace(CARD, country=CountryCard("NATO", "NATO"), stance=0),
        replace(CARD, office=OfficeCard("Prime Minister of Poland", OfficeRank.HEAD), stance=-2),
        replace(CARD, stance=1, sources=(SOURCE,)),
    ]


WEIGHED = SimpleNamespace(weight=0.8765, age_weight=1, evidence=SimpleNamespace(office_weight=0.5))


@pytest.mark.parametrize("card", _cards(), ids=lambda card: f"stance{card.stance}-{card.status.value}")
def test_the_card_is_the_markup_the_macro_wrote(card: StatementCard) -> None:
    macro = make_environment().from_string(MACRO)
    for weighed, show_topic, show_country, id_prefix in itertools.product(
        (None, WEIGHED), (True, False), (True, False), ("", "before-7-")
    ):
        shown = dict(weighed=weighed, show_topic=show_topic, show_country=show_country, id_prefix=id_prefix)
        expected = macro.render(s=card, **shown).lstrip("\n")
        assert str(statement_card(card, **shown)) == expected, shown


def test_the_card_macro_and_the_history_use_it() -> None:
    env = make_environment()
    rendered = env.from_string('{% from "_macros/statements.html" import card %}{{ card(s, show_topic=False) }}')
    assert rendered.render(s=CARD) == str(statement_card(CARD, show_topic=False))


# The change of position as the macro in templates/_macros/statements.html wrote it before it moved to Python.
CHANGE_MACRO = """{% from "_macros/statements.html" import card %}
{% macro position_change(shown, show_actor=False) -%}
{% set before, after, change = shown.before, shown.after, shown.change %}
<div class="change" role="group" aria-label="{{ after.actor.name }} on {{ after.topic.title | in_sentence }}: {{ change.summary }}">
  <p class="change__flag">{% if show_actor %}<a href="/actors/{{ after.actor.slug }}">{{ after.actor.name }}</a> on{% else %}On{% endif %} {{ after.topic.title | in_sentence }}: <strong>{{ change.summary }}</strong></p>
  <div class="change__pair">
    <div><p class="eyebrow">Before: {{ before.stance | signed }}</p>{{ card(before, show_topic=False, show_country=not show_actor, id_prefix="before-" ~ change.after_id ~ "-") }}</div>
    <div><p class="eyebrow">After: {{ after.stance | signed }}</p>{{ card(after, show_topic=False, show_country=not show_actor, id_prefix="after-") }}</div>
  </div>
</div>
{%- endmacro %}
{{ position_change(shown, show_actor=show_actor) }}"""  # noqa: E501


@pytest.mark.parametrize("show_actor", [True, False])
def test_a_change_of_position_is_the_markup_the_macro_wrote(show_actor: bool) -> None:
    macro = make_environment().from_string(CHANGE_MACRO)
    cards = _cards()
    for before, after in zip(cards, cards[1:], strict=False):
        after = replace(after, id=43, actor=ActorCard("Jens <Stoltenberg>", "jens-stoltenberg", ActorKind.PERSON))
        after = replace(after, topic=TopicCard("nato-air-policing", "NATO air & policing", False))
        change = PositionChange(before.id, after.id, before.stance, after.stance, date(2024, 9, 2))
        shown = ChangeShown(change, before, after)
        expected = macro.render(shown=shown, show_actor=show_actor).lstrip("\n")
        assert str(position_change(shown, show_actor)) == expected
        rendered = make_environment().from_string(
            '{% from "_macros/statements.html" import position_change %}{{ position_change(shown, show_actor=a) }}'
        )
        assert rendered.render(shown=shown, a=show_actor) == expected


@pytest.mark.parametrize(
    "value", ["", "plain words", "Don't", 'a "quote"', "<b>&amp;</b>", "&", "ł ø ß − 2", 3, -1.5, None, "'\"<>&"]
)
def test_escape_writes_what_markupsafe_writes(value: object) -> None:
    assert escape(value) == str(markupsafe.escape(value if value is not None else "None"))
