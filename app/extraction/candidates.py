"""Candidate statements in an article, for an editor to confirm: who, in which office, what, when, on which topic.

The article is read sentence by sentence (app/extraction/attribution.py says how a sentence's statement
is found). A speaker is a name the sentence gives; or, for "he said", "the chancellor said", a verb with
no name ("– dodała") and a quotation standing alone, someone named before:
- a pronoun or a bare verb: a person named earlier in the same sentence, else the last speaker of the
  paragraph, else the last person the paragraph named, else the article's last speaker;
- an office ("the chancellor"): the last person named before whose office it is;
- a quotation standing alone: the paragraph's last speaker, else the previous paragraph's.
Statements of one speaker that follow each other in a paragraph, both verbatim or both reported, are one
candidate, their words joined with " … " as the seed data joins fragments of one occasion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from app.actors.models import OfficeRank
from app.actors.rules import infer_rank
from app.extraction.actors import ActorDirectory, KnownActor, Speaker
from app.extraction.article import Article, is_title
from app.extraction.attribution import SentenceParts, Statement, read_statement
from app.extraction.conditions import condition_spans, condition_text
from app.extraction.dates import NamedDate, Precision, find_dates, resolve
from app.extraction.folding import flat
from app.extraction.language import ENGLISH, detect_language
from app.extraction.mentions import Mention, MentionKind, find_mentions
from app.extraction.quotes import CLOSERS, Quote, find_quotes, paragraph_spans
from app.extraction.sentences import sentence_spans
from app.extraction.topics import suggest_topic
from app.extraction.verbs import find_verbs

_CONTINUED_PARAGRAPH = re.compile(r"\s*\n\s*\n\s*")
_SPACES = re.compile(r"\s+")
# A day named this close to the attribution dates it ("On 10 July, … said", "told Yle on July 13"); one further
# off belongs to another clause ("signed a pact in July that …, but X has maintained").
_NEAR = 60
_CLOSING_STOPS = frozenset('.!?…"”“»«’)]')
_ROLE_OFFICES = (
    (re.compile(r"spokes|sprecher|rzeczni|purtator"), re.compile(r"spokes|sprecher|rzeczni|purtator")),
    (
        re.compile(r"secretary.general|generalsekretar|secretarul general"),
        re.compile(r"secretary.general|generalsekretar|secretar\w* general"),
    ),
    (re.compile(r"chancellor|kanzler"), re.compile(r"chancellor|kanzler")),
    (
        re.compile(r"prime minister|premier|regierungschef|prim-ministr|head of government"),
        re.compile(r"prime minister|premier|regierungschef|prim-ministr|head of government"),
    ),
    (
        re.compile(r"presiden|prezydent|presedint|prasident|head of state"),
        re.compile(r"presiden|prezydent|presedint|prasident|head of state"),
    ),
    (re.compile(r"minist|szef (?:mon|msz|dyplomacji)"), re.compile(r"(?<!prime )minist")),
)


@dataclass(frozen=True)
class Candidate:
    """A statement the article seems to hold, in the fields of the interchange format, for an editor to confirm."""

    actor: str
    actor_slug: str | None
    office: str | None
    country: str | None
    quote: str
    quote_is_verbatim: bool
    said_on: date | None
    date_precision: Precision | None
    date_is_report_date: bool  # the text names no day for it: `said_on` is the article's date
    language: str
    topic: str | None
    condition: str | None
    context: str
    condition_spans: tuple[tuple[int, int], ...] = ()  # [start, end) of each condition phrase within `quote`
    needs_translation: bool = False

    def to_json(self) -> dict[str, object]:
        """The candidate as JSON-ready data: the interchange fields, then `condition_spans` and `needs_translation`."""
        return {
            "actor": self.actor,
            "actor_slug": self.actor_slug,
            "office": self.office,
            "country": self.country,
            "quote": self.quote,
            "quote_is_verbatim": self.quote_is_verbatim,
            "said_on": self.said_on.isoformat() if self.said_on else None,
            "date_precision": self.date_precision,
            "date_is_report_date": self.date_is_report_date,
            "language": self.language,
            "topic": self.topic,
            "condition": self.condition,
            "context": self.context,
            "condition_spans": [list(span) for span in self.condition_spans],
            "needs_translation": self.needs_translation,
        }


@dataclass
class _Reading:
    """What the walk through the article knows so far: who was named and who spoke, and the statements found."""

    named: list[tuple[int, Speaker]] = field(default_factory=list)  # every person named, in order
    last_speaker: Speaker | None = None
    paragraph_speaker: Speaker | None = None
    previous_paragraph_speaker: Speaker | None = None
    paragraph_start: int = 0  # the current paragraph's number
    paragraph_position: int = 0  # and where it begins in the text
    found: list[tuple[int, Speaker, Statement]] = field(default_factory=list)  # (paragraph, speaker, statement)


@dataclass(frozen=True)
class _Context:
    """The article as the walk reads it: its text, quotes, sentences and named dates."""

    text: str
    quotes: tuple[Quote, ...]
    sentences: tuple[tuple[int, tuple[int, int]], ...]  # (paragraph number, sentence span)
    dates: tuple[NamedDate, ...]
    reference: date | None
    today: date
    language: str
    title: str


def find_candidates(
    article: Article, *, published_on: date | None, known_actors: Sequence[KnownActor], today: date
) -> list[Candidate]:
    """The candidate statements in an article, in the order it makes them."""
    text = article.text
    flat_text = flat(text)
    quotes = find_quotes(text, paragraph_spans(text))
    paragraphs = _paragraphs(text, quotes)
    verbs = find_verbs(flat_text)
    directory = ActorDirectory(known_actors)
    mentions = find_mentions(text, directory=directory, verbs=verbs)
    dates = find_dates(text)
    reference = published_on or article.published_on
    context = _Context(
        text=text,
        quotes=tuple(quotes),
        sentences=tuple(
            (number, span)
            for number, (start, end) in enumerate(paragraphs)
            if not is_title(text[start:end], article.title)
            for span in sentence_spans(text, start, end, quotes)
        ),
        dates=tuple(dates),
        reference=min(reference, today) if reference else None,
        today=today,
        language=detect_language(text[:3000]),
        title=article.title or "",
    )
    reading = _Reading()
    for number, (start, end) in context.sentences:
        if _is_headline(text, start, end, paragraphs[number]):
            continue
        parts = SentenceParts(
            start,
            end,
            tuple(q for q in quotes if q.start < end and q.end > start),
            tuple(m for m in mentions if start <= m.start < end),
            tuple(v for v in verbs if start <= v.start < end),
            tuple(d for d in dates if start <= d.start < end),
        )
        _read_sentence(text, flat_text, number, parts, reading)
    return _candidates(reading.found, context)


def _is_headline(text: str, start: int, end: int, paragraph: tuple[int, int]) -> bool:
    """Whether a sentence is a whole line without a closing stop: a headline, a teaser or a link, not a report."""
    return (start, end) == paragraph and text[end - 1] not in _CLOSING_STOPS


def _paragraphs(text: str, quotes: Sequence[Quote]) -> list[tuple[int, int]]:
    """The article's paragraphs, those joined that one quotation runs across."""
    joined: list[tuple[int, int]] = []
    for start, end in paragraph_spans(text):
        if joined and any(q.start < joined[-1][1] < q.end for q in quotes):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _read_sentence(text: str, flat_text: str, paragraph: int, parts: SentenceParts, reading: _Reading) -> None:
    """Reads one sentence: finds its statement and speakers, and notes who it names."""
    if paragraph != reading.paragraph_start:
        reading.previous_paragraph_speaker = reading.paragraph_speaker
        reading.paragraph_speaker = None
        reading.paragraph_start = paragraph
        reading.paragraph_position = parts.start
    statement = read_statement(text, flat_text, parts)
    for mention in parts.mentions:
        if mention.kind is MentionKind.NAME and mention.speaker is not None and mention.speaker.is_person:
            reading.named.append((mention.start, mention.speaker))
        elif mention.kind is MentionKind.ROLE:
            resolved = _resolve_role(mention, reading.named)
            if resolved is not None:
                reading.named.append((mention.start, resolved))
    if statement is None:
        return
    speakers = _speakers(statement, parts, reading)
    for speaker in speakers:
        reading.found.append((paragraph, speaker, statement))
    if speakers:
        reading.paragraph_speaker = reading.last_speaker = speakers[-1]


def _speakers(statement: Statement, parts: SentenceParts, reading: _Reading) -> list[Speaker]:
    """The speakers of a statement, those pointed to by "he" or "the chancellor" found among the people named before."""
    if not statement.attributed:
        fallback = reading.paragraph_speaker or reading.previous_paragraph_speaker
        return [fallback] if fallback else []
    if not statement.speakers:
        fallback = _pointed_to(parts.start, parts.start, reading)
        return [fallback] if fallback else []
    speakers = []
    for mention in statement.speakers:
        speaker = mention.speaker
        if mention.kind is MentionKind.ROLE:
            speaker = _resolve_role(mention, [(p, s) for p, s in reading.named if p < mention.start])
        elif mention.kind is MentionKind.PRONOUN:
            speaker = _pointed_to(mention.start, parts.start, reading)
        if speaker is not None:
            speakers.append(speaker)
    return speakers


def _pointed_to(position: int, sentence_start: int, reading: _Reading) -> Speaker | None:
    """Whom "he" or a bare verb points to: see the module's docstring."""
    in_sentence = [speaker for start, speaker in reading.named if sentence_start <= start < position]
    if in_sentence:
        return in_sentence[-1]
    if reading.paragraph_speaker:
        return reading.paragraph_speaker
    paragraph_named = [speaker for start, speaker in reading.named if reading.paragraph_position <= start < position]
    return paragraph_named[-1] if paragraph_named else reading.last_speaker


def _resolve_role(mention: Mention, named: Sequence[tuple[int, Speaker]]) -> Speaker | None:
    """The last person named before whose office the role names ("the chancellor"), in its country if it gives one."""
    role = flat(mention.role or "")
    for pattern, office_pattern in _ROLE_OFFICES:  # noqa: B007  (office_pattern is read after the loop)
        if pattern.search(role):
            break
    else:
        office_pattern = None
    for _, speaker in reversed(named):
        if mention.country and speaker.country_code() != mention.country:
            continue
        offices = [
            office
            for office in (speaker.office, *(o.title for o in (speaker.known.offices if speaker.known else ())))
            if office
        ]
        if office_pattern is not None and any(office_pattern.search(flat(office)) for office in offices):
            return speaker
        if "leader" in role and any(infer_rank(office) is OfficeRank.HEAD for office in offices):
            return speaker
    return None


def _candidates(found: Sequence[tuple[int, Speaker, Statement]], context: _Context) -> list[Candidate]:
    """One candidate per run of statements by one speaker in a paragraph, in text order."""
    groups = _runs(found)
    candidates = []
    seen: set[tuple[str, str]] = set()
    for speaker, statements in groups:
        candidate = _candidate(speaker, statements, context)
        if (speaker.key, candidate.quote) not in seen:
            seen.add((speaker.key, candidate.quote))
            candidates.append(candidate)
    return candidates


def _runs(found: Sequence[tuple[int, Speaker, Statement]]) -> list[tuple[Speaker, list[Statement]]]:
    """Each speaker's runs of consecutive statements in a paragraph, both verbatim or both reported."""
    ordered: list[tuple[int, Statement, list[Speaker]]] = []
    for paragraph, speaker, statement in found:
        if ordered and ordered[-1][1] is statement:
            ordered[-1][2].append(speaker)
        else:
            ordered.append((paragraph, statement, [speaker]))
    runs: list[tuple[Speaker, list[Statement]]] = []
    open_runs: dict[str, list[Statement]] = {}
    previous: tuple[int, frozenset[str], bool] | None = None
    for paragraph, statement, speakers in ordered:
        keys = frozenset(speaker.key for speaker in speakers)
        if previous != (paragraph, keys, statement.verbatim):
            open_runs = {}
        for speaker in speakers:
            if speaker.key in open_runs:
                open_runs[speaker.key].append(statement)
            else:
                open_runs[speaker.key] = [statement]
                runs.append((speaker, open_runs[speaker.key]))
        previous = (paragraph, keys, statement.verbatim)
    return runs


def _candidate(speaker: Speaker, statements: Sequence[Statement], context: _Context) -> Candidate:
    """The candidate for one speaker's run of statements."""
    text = context.text
    quote = " … ".join(
        _fragment_text(text, start, end) for statement in statements for start, end in statement.fragments
    )
    said = _said_on(statements, context)
    language = detect_language(quote, fallback=context.language)
    surrounding = _surrounding(statements, context)
    spans = condition_spans(quote)
    return Candidate(
        actor=speaker.name,
        actor_slug=speaker.known.slug if speaker.known else None,
        office=(speaker.known.office_on(said[0] if said else None) if speaker.known else None) or speaker.office,
        country=speaker.country_code(said[0] if said else None),
        quote=quote,
        quote_is_verbatim=statements[0].verbatim,
        said_on=said[0] if said else None,
        date_precision=said[1] if said else None,
        date_is_report_date=said[2] if said else False,
        language=language,
        topic=suggest_topic(quote) or suggest_topic(surrounding) or suggest_topic(context.title),
        condition=condition_text(quote, spans),
        context=surrounding,
        condition_spans=tuple(spans),
        needs_translation=language != ENGLISH,
    )


def _fragment_text(text: str, start: int, end: int) -> str:
    """A fragment's words on one line; a quotation running over paragraphs is joined with " … "."""
    pieces = [piece.strip() for piece in _CONTINUED_PARAGRAPH.split(text[start:end])]
    pieces = [pieces[0], *(piece[1:] if piece[:1] in CLOSERS else piece for piece in pieces[1:])]
    return " … ".join(_SPACES.sub(" ", piece).strip() for piece in pieces if piece.strip())


def _said_on(statements: Sequence[Statement], context: _Context) -> tuple[date, Precision, bool] | None:
    """The day named beside the attribution, else earlier in the paragraph, else the article's date (see _NEAR).

    The flag says it is the article's date: the text names no day for the statement.
    """
    first = statements[0]
    sentence_start, sentence_end = first.sentence
    outside = [d for d in context.dates if sentence_start <= d.start < sentence_end and not _in_fragments(d, first)]
    named = None
    if first.attribution is not None:
        clause = first.attribution
        near = [d for d in outside if _distance(d, clause) <= _NEAR]
        named = min(near, key=lambda d: _distance(d, clause), default=None)
    if named is None and not outside:
        paragraph_start = _paragraph_start(first, context)
        earlier = [
            d
            for d in context.dates
            if paragraph_start <= d.start < sentence_start and not _in_quotes(d, context.quotes)
        ]
        named = earlier[-1] if earlier else None
    resolved = resolve(named, reference=context.reference, today=context.today) if named else None
    if resolved:
        return (*resolved, False)
    return (context.reference, "day", True) if context.reference else None


def _distance(named: NamedDate, span: tuple[int, int]) -> int:
    """Characters between a named day and a span (0 when they touch or overlap)."""
    return max(span[0] - named.end, named.start - span[1], 0)


def _in_quotes(named: NamedDate, quotes: Sequence[Quote]) -> bool:
    """Whether a named day lies inside a quotation."""
    return any(q.start <= named.start < q.end for q in quotes)


def _in_fragments(named: NamedDate, statement: Statement) -> bool:
    """Whether a named day lies within the statement's own words."""
    return any(start <= named.start < end for start, end in statement.fragments)


def _paragraph_start(statement: Statement, context: _Context) -> int:
    """Where the paragraph holding a statement begins."""
    paragraph = next(number for number, span in context.sentences if span == statement.sentence)
    return next(span[0] for number, span in context.sentences if number == paragraph)


def _surrounding(statements: Sequence[Statement], context: _Context) -> str:
    """The statement's sentences with the one before and the one after, within its paragraph."""
    spans = [span for _, span in context.sentences]
    numbers = [number for number, _ in context.sentences]
    first = spans.index(statements[0].sentence)
    last = spans.index(statements[-1].sentence)
    if first > 0 and numbers[first - 1] == numbers[first]:
        first -= 1
    if last + 1 < len(spans) and numbers[last + 1] == numbers[last]:
        last += 1
    return _SPACES.sub(" ", context.text[spans[first][0] : spans[last][1]]).strip()
