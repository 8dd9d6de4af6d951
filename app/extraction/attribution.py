"""What one sentence says, and who it says said it: the attribution ("X said that", "“…,” X told FT",
"according to X,") and the words attributed, verbatim (in quotation marks) or reported.

Per sentence, the attribution that starts first wins. Its words are, in this order of preference:
1. the quotation before it, when it opens the sentence ("“…,” Lepik told reporters"), with a second
   quotation straight after it ("“A,” she said, “B.”");
2. what follows it: after "that" (or "dass", "że", "că") or a colon, or directly after a verb of saying
   ("said Poland would"), or, for a verb of acting, from that verb on ("directed diplomats to …");
3. the clause before it, when the attribution closes the sentence ("…, Geoana added.").
Words that are mostly quoted (80% or more) count as verbatim, and only the quoted words are kept.
A sentence that is all quotation and has no attribution yields an unattributed quote, whose speaker the
caller finds from the sentences before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.extraction.dates import NamedDate
from app.extraction.mentions import Mention
from app.extraction.quotes import MARKS, Quote, quoted_share, word_count
from app.extraction.verbs import ACCORDING, OPINION, PARTICLE, THAT, Verb, VerbKind

VERBATIM_SHARE = 0.8  # of the words attributed, quoted, for them to count as the speaker's own
QUOTED_SENTENCE_SHARE = 0.7  # of a sentence's words, quoted, for it to count as a quotation without attribution
MIN_QUOTE_WORDS = 4  # fewer quoted words are a term or a scare quote ("duty", "air defense shield")
MIN_WORDS = 3
MAX_WORDS_BEFORE_THAT = 15

_LABEL = re.compile(r"\s*[^\W\d_]+:\s+")  # "Quote:", "Details:" at a sentence's start (always used with match)
_JOINT = re.compile(r"\s+(?:and|und|i|si|și|et)\s+$")
_ADVERBS = frozenset(
    {
        "has",
        "have",
        "had",
        "was",
        "were",
        "is",
        "are",
        "will",
        "would",
        "also",
        "further",
        "then",
        "later",
        "again",
        "repeatedly",
        "previously",
        "earlier",
        "today",
        "yesterday",
        "reportedly",
        "publicly",
        "once",
        "already",
        "recently",
        "too",
        "natomiast",
        "takze",
        "rowniez",
        "tez",
        "auch",
        "zudem",
        "bereits",
        "mai",
        "nun",
        "jetzt",
    }
)
_TRAILING_SOURCE = re.compile(
    r",\s*(?:according to|citing|as reported by|reported by)\s+[^,]+[.]?$"
    r"|,\s*(?:[A-Z][\w.&-]*\s+){1,3}(?:reports|reported|said|says|writes|wrote)[.]?$"
)
_STRIP = " \t\n,;:–—-"
_PREPOSITIONS = frozenset({"by", "with", "to", "from", "of", "for", "between", "about", "against", "and", "or"})
# A clause before the attribution that only sets the scene ("Speaking in Berlin on Friday, X said").
_INTRODUCTORY = re.compile(
    r"(?:speaking|asked|addressing|answering|responding|writing"
    r"|after|before|during|following|in|on|at|thus|meanwhile)\b"
)
_THAT_NEXT = re.compile(r"\s*(?:that|dass|ze|iz|ca)\b")


@dataclass(frozen=True)
class Attribution:
    """Who is said to have spoken (none when only a verb is there) and the words that say so."""

    speakers: tuple[Mention, ...]
    start: int
    end: int
    verb: Verb | None
    according: bool = False


@dataclass(frozen=True)
class Statement:
    """The words a sentence attributes to someone: the spans of text they are, and whether they are verbatim."""

    sentence: tuple[int, int]
    attribution: tuple[int, int] | None  # the words that attribute it, if any
    speakers: tuple[Mention, ...]  # empty: the speaker is found from the sentences before
    fragments: tuple[tuple[int, int], ...]
    verbatim: bool
    attributed: bool  # False for a quotation standing alone


@dataclass(frozen=True)
class SentenceParts:
    """What one sentence holds: its span and the quotes, mentions, verbs and named dates in it."""

    start: int
    end: int
    quotes: tuple[Quote, ...]
    mentions: tuple[Mention, ...]
    verbs: tuple[Verb, ...]
    dates: tuple[NamedDate, ...]


def read_statement(text: str, flat_text: str, parts: SentenceParts) -> Statement | None:
    """The statement a sentence makes, if it makes one."""
    attribution = _first_attribution(text, flat_text, parts)
    if attribution is None:
        return _standalone_quote(text, parts)
    fragments = _attributed_words(text, flat_text, parts, attribution)
    if not fragments:
        return None
    verbatim = _is_verbatim(text, parts.quotes, fragments)
    if verbatim:
        fragments = _quoted_fragments(text, parts.quotes, fragments)
    else:
        fragments = [_without_source(text, *span) for span in fragments]
    if sum(word_count(text[a:b]) for a, b in fragments) < MIN_WORDS:
        return None
    clause = (attribution.start, attribution.end)
    return Statement(
        (parts.start, parts.end), clause, attribution.speakers, tuple(fragments), verbatim, attributed=True
    )


def _outside_quotes(quotes: Sequence[Quote], start: int, end: int) -> bool:
    """Whether [start, end) lies outside every quotation."""
    return all(end <= quote.start - 1 or start > quote.end for quote in quotes)


def _first_attribution(text: str, flat_text: str, parts: SentenceParts) -> Attribution | None:
    """The attribution that starts first in the sentence, if any."""
    mentions = [m for m in parts.mentions if _outside_quotes(parts.quotes, m.start, m.end)]
    verbs = [v for v in parts.verbs if _outside_quotes(parts.quotes, v.start, v.end)]
    found = [*_according(flat_text, parts, mentions), *_verb_attributions(text, flat_text, parts, mentions, verbs)]
    return min(
        found,
        key=lambda attribution: (attribution.start, attribution.verb is not None and attribution.verb.participle),
        default=None,
    )


def _according(flat_text: str, parts: SentenceParts, mentions: Sequence[Mention]) -> list[Attribution]:
    """'According to X', 'citing X', 'laut X', 'według X', "in X's opinion"."""
    found = []
    for match in ACCORDING.finditer(flat_text, parts.start, parts.end):
        mention = next((m for m in mentions if m.start == match.end()), None)
        if mention is not None:
            found.append(Attribution((mention,), match.start(), mention.end, None, according=True))
    for mention in mentions:
        opinion = OPINION.match(flat_text, mention.end, parts.end)
        before = flat_text[max(parts.start, mention.start - 3) : mention.start]
        if opinion and before.strip() == "in":
            found.append(Attribution((mention,), mention.start - 3, opinion.end(), None, according=True))
    return found


def _verb_attributions(
    text: str, flat_text: str, parts: SentenceParts, mentions: Sequence[Mention], verbs: Sequence[Verb]
) -> list[Attribution]:
    """Each verb of saying with the mention before it ("X said") or after it ("said X"), or alone after a quote."""
    found = []
    for verb in verbs:
        if verb.participle:
            subject = _subject(flat_text, parts, mentions, verb)
            if subject is not None:
                found.append(Attribution((subject,), verb.start, verb.end, verb))
            continue
        before = next(
            (m for m in reversed(mentions) if m.end <= verb.start and _is_gap(flat_text, parts, m.end, verb.start)),
            None,
        )
        after = next((m for m in mentions if m.start >= verb.end and not flat_text[verb.end : m.start].strip()), None)
        if before is not None:
            found.append(Attribution(_joint_speakers(flat_text, mentions, before), before.start, verb.end, verb))
        elif after is not None:
            particle = PARTICLE.match(flat_text, after.end, parts.end)
            found.append(Attribution((after,), verb.start, particle.end() if particle else after.end, verb))
        elif _follows_quote(text, parts, verb.start):
            found.append(Attribution((), verb.start, verb.end, verb))
    return found


def _subject(flat_text: str, parts: SentenceParts, mentions: Sequence[Mention], verb: Verb) -> Mention | None:
    """The first mention of the sentence, before the verb and not after a preposition: the clause's subject."""
    for mention in mentions:
        if mention.start >= verb.start:
            return None
        before = flat_text[parts.start : mention.start].split()
        if not before or before[-1].strip(",") not in _PREPOSITIONS:
            return mention
    return None


def _is_gap(flat_text: str, parts: SentenceParts, start: int, end: int) -> bool:
    """Whether only auxiliaries, adverbs, a named day or an appositive in commas stand between a speaker and a verb."""
    gap = flat_text[start:end]
    for named in parts.dates:
        if start <= named.start and named.end <= end:
            gap = gap[: named.start - start] + " " * (named.end - named.start) + gap[named.end - start :]
    appositive = re.match(r"\s*,[^,;:]{1,120},", gap)
    if appositive and not any(mark in appositive.group() for mark in MARKS):
        gap = gap[appositive.end() :]
    return all(word in _ADVERBS for word in gap.split())


def _joint_speakers(flat_text: str, mentions: Sequence[Mention], last: Mention) -> tuple[Mention, ...]:
    """Both speakers of "A and B discussed", or the one."""
    earlier = [m for m in mentions if m.end <= last.start]
    if earlier and _JOINT.fullmatch(flat_text[earlier[-1].end : last.start]) and earlier[-1].speaker and last.speaker:
        return (earlier[-1], last)
    return (last,)


def _follows_quote(text: str, parts: SentenceParts, position: int) -> bool:
    """Whether only a closing mark and a comma or dash stand between a quotation and this position."""
    before = text[parts.start : position].rstrip(" \t,–—-")
    return bool(before) and before[-1] in MARKS


def _attributed_words(
    text: str, flat_text: str, parts: SentenceParts, attribution: Attribution
) -> list[tuple[int, int]]:
    """The spans of the words attributed, by the order of preference in the module's docstring."""
    head = _head(text, parts.start, attribution.start)
    if head and quoted_share(text, parts.quotes, *head) >= QUOTED_SENTENCE_SHARE:
        return [head, *_split_quote_after(text, parts, attribution.end)]
    if attribution.according:
        after = _after_according(text, flat_text, parts, attribution)
        if after:
            return [after]
    tail = _tail(text, flat_text, parts, attribution)
    if tail:
        return [tail]
    if head and _closes_clause(text, head[1], attribution.start) and not _INTRODUCTORY.match(flat_text, head[0]):
        return [head]
    return []


def _head(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The sentence before the attribution, without a leading label ("Quote:") or trailing commas and dashes."""
    label = _LABEL.match(text, start, end)
    if label:
        start = label.end()
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return (start, end) if word_count(text[start:end]) >= MIN_WORDS else None


def _closes_clause(text: str, head_end: int, attribution_start: int) -> bool:
    """Whether the attribution comes after a comma, dash or closing mark: "…, Geoana added"."""
    between = text[head_end:attribution_start]
    return any(mark in between for mark in ",–—") or (head_end > 0 and text[head_end - 1] in MARKS)


def _split_quote_after(text: str, parts: SentenceParts, position: int) -> list[tuple[int, int]]:
    """A quotation straight after the attribution, as in “A,” she said, “B.”"""
    following = next((q for q in parts.quotes if q.start > position), None)
    if (
        following is None
        or text[position : following.start - 1].strip(" ,:")
        or word_count(text[following.start : following.end]) < 1
    ):
        return []
    return [(following.start - 1, min(following.end + 1, parts.end))]


def _after_according(
    text: str, flat_text: str, parts: SentenceParts, attribution: Attribution
) -> tuple[int, int] | None:
    """For "according to X, …" the words after the comma; for "…, citing X, that …" the words after "that"."""
    rest = flat_text[attribution.end : parts.end]
    comma = re.match(r"\s*,?\s*(?:(?P<that>that|dass|ze|ca)\s+)?", rest)
    label = _LABEL.match(text, parts.start, attribution.start)
    opens_sentence = not text[label.end() if label else parts.start : attribution.start].strip()
    if comma is None or not (opens_sentence or (comma.group("that") and "," in comma.group())):
        return None  # "…, according to X." keeps the words before it
    start = attribution.end + comma.end()
    return (start, parts.end) if word_count(text[start : parts.end]) >= MIN_WORDS else None


def _tail(text: str, flat_text: str, parts: SentenceParts, attribution: Attribution) -> tuple[int, int] | None:
    """The words after the attribution: after "that" or a colon, after a verb of saying, or from a verb of acting."""
    verb = attribution.verb
    if verb is None:
        return None
    position = attribution.end
    rest = flat_text[position : parts.end]
    words = 0
    for match in re.finditer(r"[:,;]|[^\W\d_]+", rest):
        token = match.group()
        if token == ":" or token in THAT:
            return _span_from(text, position + match.end(), parts.end)
        if token in ",;":
            if token == "," and verb.comma_clause and not _THAT_NEXT.match(rest, match.end()):
                return _span_from(text, position + match.end(), parts.end)
            if not _THAT_NEXT.match(rest, match.end()):
                break
            continue
        words += 1
        if words > MAX_WORDS_BEFORE_THAT:
            break
    if verb.kind is VerbKind.ACT and attribution.start < verb.start:
        return _span_from(text, verb.start, parts.end)
    if (
        verb.kind is VerbKind.SAY
        and attribution.start < verb.start
        and _starts_clause(text, flat_text, parts, attribution.end)
    ):
        return _span_from(text, attribution.end, parts.end)
    return None


def _starts_clause(text: str, flat_text: str, parts: SentenceParts, position: int) -> bool:
    """Whether the words straight after a verb of saying are what was said ("said Poland would"), not a place or day."""
    if any(named.start - position in (0, 1) for named in parts.dates):
        return False
    following = re.match(r"\s*([^\W\d_]+)", flat_text[position : parts.end])
    if following is None or following.start(1) == 0:
        return False
    return following.group(1) not in {
        "in",
        "on",
        "at",
        "to",
        "during",
        "after",
        "before",
        "last",
        "earlier",
        "for",
        "with",
        "from",
        "this",
    }


def _span_from(text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) trimmed, if it still holds enough words."""
    while start < end and text[start].isspace():
        start += 1
    return (start, end) if word_count(text[start:end]) >= MIN_WORDS else None


def _is_verbatim(text: str, quotes: Sequence[Quote], fragments: Sequence[tuple[int, int]]) -> bool:
    """Whether the attributed words are mostly the speaker's own, in quotation marks."""
    total = sum(word_count(text[a:b]) for a, b in fragments)
    quoted = sum(quoted_share(text, quotes, a, b) * word_count(text[a:b]) for a, b in fragments)
    return total > 0 and quoted / total >= VERBATIM_SHARE


def _quoted_fragments(
    text: str, quotes: Sequence[Quote], fragments: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The quotations within the attributed words."""
    inside = []
    for start, end in fragments:
        for quote in quotes:
            if quote.start < end and quote.end > start and word_count(text[quote.start : quote.end]):
                inside.append((max(quote.start, start), min(quote.end, end)))
    return inside


def _without_source(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without a trailing credit to a source (", according to Europa Press", ", UNN reports")."""
    match = _TRAILING_SOURCE.search(text, start, end)
    return (start, match.start()) if match else (start, end)


def _standalone_quote(text: str, parts: SentenceParts) -> Statement | None:
    """A sentence that is a quotation and nothing else (bar a label such as "Quote:")."""
    head = _head(text, parts.start, parts.end)
    if head is None or quoted_share(text, parts.quotes, *head) < QUOTED_SENTENCE_SHARE:
        return None
    fragments = _quoted_fragments(text, parts.quotes, [head])
    if sum(word_count(text[a:b]) for a, b in fragments) < MIN_QUOTE_WORDS:
        return None
    return Statement((parts.start, parts.end), None, (), tuple(fragments), verbatim=True, attributed=False)
