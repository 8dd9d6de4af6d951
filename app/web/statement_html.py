"""A statement's card as HTML, written in Python: the history shows 50 of them on every page.

Rendered by the `card` macro (templates/_macros/statements.html), this markup cost more than the
page's queries: a macro call per card, and a Jinja attribute lookup and filter call per value. The
function writes the same bytes (tests/web/test_statement_html.py renders both and compares), a card
in about a tenth of the time (docs/performance.md, "Statement cards").
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from app.stances import bands
from app.statements.models import STANCE_MEANINGS
from app.text import in_sentence, language_name, signed
from app.web.templating import day, when

_SPECIAL = re.compile("[&<>\"']")


def escape(value: object) -> str:
    """What Jinja's autoescape writes for a value: markupsafe's entities, as a plain string.

    markupsafe.escape makes a Markup object per value; 15 values a card made that a third of a card's time.
    Most values have nothing to escape, and one search finds that sooner than five replaces.
    """
    text = str(value)
    if _SPECIAL.search(text) is None:
        return text
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    )


def _stance_badge(stance: int) -> str:
    meaning = escape(STANCE_MEANINGS[stance])
    return (
        f'<span class="stance band--{escape(bands.for_stance(stance).slug)}" title="{meaning}">'
        f'{escape(signed(stance))}</span> <span class="stance__meaning">{meaning}</span>'
    )


_BADGES = {stance: _stance_badge(stance) for stance in STANCE_MEANINGS}


def _sources(sources: Any) -> str:
    items = []
    for source in sources:
        title = escape(source.title)
        if source.url:
            link = f'<a href="{escape(source.url)}" rel="noopener noreferrer">{title}</a>'
        else:
            link = f"<cite>{title}</cite>"
        published = f" · {escape(day(source.published_on))}" if source.published_on else ""
        items.append(f'    <li>{link}      <span class="muted">· {escape(source.outlet)}{published}</span></li>\n')
    return f'  <ul class="statement__sources" aria-label="Sources">\n{"".join(items)}  </ul>\n'


def statement_card(
    s: Any, weighed: Any = None, show_topic: bool = True, show_country: bool = True, id_prefix: str = ""
) -> Markup:
    """One statement: who, in which office, when, the words, the condition, the sources.

    `s` is a StatementCard or a Statement loaded whole; `weighed`, the cell evidence that counted it.
    """
    retracted = s.status.value == "retracted"
    office = s.office.title
    country = s.country
    where = ""
    if show_country and country.code != "NATO" and office.find(country.name) < 0:
        where = f'      (<a href="/countries/{escape(country.code)}">{escape(country.name)}</a>)'
    language = s.language
    other_language = language != "en"
    quote = escape(s.quote)
    lang = f' lang="{escape(language)}"' if other_language else ""
    words = f"&ldquo;{quote}&rdquo;" if s.quote_is_verbatim else quote
    in_language = f", in {escape(language_name(language))}" if other_language else ""
    topic = f"<span>{escape(s.topic.title)}</span>" if show_topic else ""
    parts = [
        f'<article class="statement{" statement--retracted" if retracted else ""}" '
        f'id="{escape(id_prefix)}statement-{s.id}">\n'
        '  <header class="statement__head">\n'
        f'    <span class="statement__stance">{_BADGES[s.stance]}</span>\n'
        f'    <span class="statement__who"><a href="/actors/{escape(s.actor.slug)}">{escape(s.actor.name)}</a>,\n'
        f'      <span class="statement__office">{escape(office)}</span>{where}</span>\n'
        "  </header>\n",
        f'<p class="tag tag--warn">Retracted: {escape(s.retraction_reason)}</p>' if retracted else "",
        f'  <blockquote class="statement__quote"{lang}>{words}</blockquote>\n',
    ]
    if s.translation:
        parts.append(
            f'<p class="statement__translation"><span class="label">Translation:</span> {escape(s.translation)}</p>'
        )
    if s.condition:
        parts.append(f'<p class="statement__condition"><span class="label">Condition:</span> {escape(s.condition)}</p>')
    parts.append(
        '  <p class="statement__meta">\n'
        f'    <time datetime="{s.said_on.isoformat()}">'
        f"{escape(when(s.said_on, s.date_precision.value, s.date_is_report_date))}</time>\n"
        f"    <span>{'Verbatim' if s.quote_is_verbatim else 'Paraphrase'}{in_language}</span>\n"
        f"{topic}"
        f'    <a href="/statements/{s.id}">Statement {s.id}</a>\n'
        "  </p>\n"
    )
    if weighed:
        parts.append(
            f'  <p class="statement__weight">Counted with weight {weighed.weight:.2f}: '
            f"office {escape(weighed.evidence.office_weight)} &times; age {weighed.age_weight:.2f}.</p>\n"
        )
    if s.sources:
        parts.append(_sources(s.sources))
    parts.append("</article>")
    return Markup("".join(parts))


def position_change(shown: Any, show_actor: bool = False) -> Markup:
    """A change of position: what moved, and its two statements' cards side by side (stacked on a phone).

    `shown` is an actors.service.ChangeShown. Ten of these were a tenth of a cold country page as a macro.
    """
    before, after, change = shown.before, shown.after, shown.change
    actor, topic, summary = escape(after.actor.name), escape(in_sentence(after.topic.title)), escape(change.summary)
    who = f'<a href="/actors/{escape(after.actor.slug)}">{actor}</a> on' if show_actor else "On"
    before_card = statement_card(
        before, show_topic=False, show_country=not show_actor, id_prefix=f"before-{change.after_id}-"
    )
    after_card = statement_card(after, show_topic=False, show_country=not show_actor, id_prefix="after-")
    return Markup(
        f'<div class="change" role="group" aria-label="{actor} on {topic}: {summary}">\n'
        f'  <p class="change__flag">{who} {topic}: <strong>{summary}</strong></p>\n'
        '  <div class="change__pair">\n'
        f'    <div><p class="eyebrow">Before: {escape(signed(before.stance))}</p>{before_card}</div>\n'
        f'    <div><p class="eyebrow">After: {escape(signed(after.stance))}</p>{after_card}</div>\n'
        "  </div>\n"
        "</div>"
    )
