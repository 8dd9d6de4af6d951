"""Who an article names as possible speakers, and where.

A mention is one of:
- a NAME: a known actor's name or alias; a name after an office ("Estonian Prime Minister Kadri Lepik",
  "the Romanian defence minister, Mihai Dobrescu,"); a name with its office in commas after it; a full name
  right before a verb of saying; a surname of anyone the article named in full; an institution's
  spokesperson ("a spokesperson for the bloc"); a capital standing for its government ("Kyiv asked");
- a ROLE: an office named without a name ("the chancellor", "Poland's foreign minister", "szef MON"),
  standing for someone named before;
- a PRONOUN ("he", "she", German "er", "sie"), standing for someone named before.
Where two overlap, the first kind listed wins.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.extraction.actors import ActorDirectory, Speaker, Token, tokens_of
from app.extraction.countries import capital_country, country_code, country_name
from app.extraction.folding import flat
from app.extraction.verbs import ACCORDING, Verb

_ROLE = (
    r"(?:first\s+)?(?:deputy|vice)[\s-]+(?:prime\s+minister"
    r"|president|chancellor|secretary[\s-]+general|minister|premier)"
    r"|prime\s+minister|head\s+of\s+(?:state|government)|chancellor|president"
    r"|(?:national\s+)?(?:defen[cs]e|foreign(?:\s+affairs)?|interior|finance|europe)\s+(?:minister|secretary)"
    r"|minister\s+(?:of|for)\s+(?:national\s+)?(?:defen[cs]e|foreign\s+affairs|europe\s+and\s+foreign\s+affairs)"
    r"|secretary[\s-]+general|secretary\s+of\s+(?:state|defen[cs]e)|spokes(?:person|man|woman)|leader"
    r"|(?:bundes)?(?:kanzler|prasident)(?:in)?|regierungschef(?:in)?"
    r"|(?:nato-)?generalsekretar(?:in)?|(?:regierungs)?sprecher(?:in)?"
    r"|wicepremier|premier(?:a|em|ul|ului)?|prezydent(?:a|em)?"
    r"|szef(?:owa)?\s+(?:mon|msz|dyplomacji|nato)|rzeczni(?:k|czka)"
    r"|minister(?:ka)?\s+(?:obrony\s+narodowej|obrony|spraw\s+zagranicznych)"
    r"|ministrul(?:ui)?(?:\s+(?:apararii(?:\s+nationale)?|afacerilor\s+externe|de\s+externe))?|prim-ministrul(?:ui)?"
    r"|presedintele|presedintelui|purtatorul\s+de\s+cuvant|secretarul\s+general"
    r"|\w*minister(?:in|ka|a)?"
)
_MODIFIERS = r"(?:(?:outgoing|former|new|then|acting|interim|incoming|current)\s+)*"
_NAME_WORD = r"[^\W\d_][\w'-]*"
_ROLE_PHRASE = re.compile(rf"\b(?P<role>{_ROLE})\b(?:\s+(?:of|al)\s+(?P<of>(?:the\s+)?[\w-]+))?")
# What may stand before an office: "the", "outgoing", a country ("Estonian", "Poland's", "NATO").
_PREFIX = re.compile(
    rf"(?:\b(?P<det>the|a|an|der|die|den|dem)\s+)?(?P<lead>{_MODIFIERS})"
    rf"(?:\b(?P<country>[\w.-]+?)(?P<possessive>'s|')?\s+)?(?P<mods>{_MODIFIERS})\Z"
)
_LAST_MODIFIERS = "mods"
_NAME_AFTER = re.compile(rf"(?P<separator>\s*,\s*|\s+)(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})")
_APPOSITIVE = re.compile(
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})\s*,\s*(?P<appositive>[^,;:\"“”„«»]{{3,90}}?)\s*,"
)
# What may follow an office in an appositive: whose office it is ("for the Ministry of Defence", "at the embassy").
_OFFICE_OF = re.compile(r"\s+(?:for|of|at|to|in)\s+(?:the\s+)?\w[^,;:]{1,80}")
_SPOKESPERSON = re.compile(
    r"\b(?:(?:a|an|the)\s+)?spokes(?:person|man|woman)\s+for\s+(?:the\s+)?(?P<org>nato"
    r"|north atlantic alliance|alliance|bloc|eu|european union|european commission)\b"
    r"|\b(?:(?:a|an|the)\s+)?(?:[\w-]+\s+)??(?P<org2>nato|alliance|bloc|eu)(?:'s)?\s+spokes(?:person|man|woman)\b"
)
# A word of a name in the text itself: "O'Brien", "Kosiniak-Kamysz", but not the possessive of "Sikorski's".
_NAME_WORD_IN_TEXT = re.compile(r"[^\W\d_][\w-]*(?:['’](?!s\b)[^\W\d_][\w-]*)*")
_PRONOUN = re.compile(r"\b(?:He|he|She|she|er|sie)\b")
_FOREIGN_ROLE = re.compile(
    r"^(?:wicepremier|premier|prezydent|szef|rzeczni|minister(?:ka)? \w|ministr|prim-|presedint"
    r"|purtator|secretarul|bundes|\w+minister|kanzler|regierungs|generalsekretar|sprecher)"
)
_UNSPOKEN_MODIFIERS = re.compile(r"^(?:(?:outgoing|new|then|incoming|current)\s+)+", re.IGNORECASE)
_PREPOSITIONS = frozenset(
    {
        "in",
        "to",
        "from",
        "of",
        "with",
        "at",
        "by",
        "near",
        "over",
        "into",
        "towards",
        "toward",
        "between",
        "for",
        "on",
        "against",
        "about",
        "via",
        "and",
        "or",
        "w",
        "we",
        "z",
        "ze",
        "do",
        "na",
        "o",
        "od",
        "nad",
        "pod",
        "przez",
        "dla",
        "i",
        "im",
        "nach",
        "aus",
        "von",
        "mit",
        "fur",
        "gegen",
        "uber",
        "und",
        "bei",
        "zu",
        "la",
        "din",
        "cu",
        "pe",
        "spre",
        "si",
        "sau",
        "catre",
    }
)
# Capitalised words that are not names.
_NOT_NAMES = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "but",
        "or",
        "on",
        "in",
        "at",
        "after",
        "before",
        "despite",
        "according",
        "while",
        "when",
        "if",
        "as",
        "thus",
        "however",
        "also",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "their",
        "our",
        "its",
        "mr",
        "mrs",
        "ms",
        "dr",
        "der",
        "die",
        "das",
        "und",
        "am",
        "im",
        "w",
        "z",
        "na",
        "la",
        "si",
        "pe",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)
# Words that make a capitalised phrase an outlet or an institution rather than a person ("Europa Press reported").
_NOT_PERSON = frozenset(
    {
        "press",
        "news",
        "agency",
        "times",
        "post",
        "journal",
        "reuters",
        "pravda",
        "telegraph",
        "guardian",
        "politico",
        "radio",
        "tv",
        "television",
        "channel",
        "house",
        "ministry",
        "office",
        "council",
        "commission",
        "kremlin",
        "pentagon",
        "army",
        "forces",
        "command",
        "staff",
        "government",
        "parliament",
        "sejm",
        "senate",
        "congress",
        "bundestag",
        "union",
        "alliance",
        "bloc",
    }
)


class MentionKind(enum.StrEnum):
    NAME = "name"
    ROLE = "role"
    PRONOUN = "pronoun"


@dataclass(frozen=True)
class Mention:
    """A place where the article names (or points back to) a possible speaker."""

    start: int
    end: int
    kind: MentionKind
    speaker: Speaker | None = None  # NAME only
    role: str | None = None  # ROLE: the office words, flattened ("chancellor", "szef mon")
    country: str | None = None  # ROLE: a country named with it ("the Ukrainian leader")


def find_mentions(text: str, *, directory: ActorDirectory, verbs: Sequence[Verb]) -> list[Mention]:
    """Every mention in the text, in order, without overlaps; new names are added to `directory` as they are read."""
    flat_text = flat(text)
    titled = _titled_names(text, flat_text, directory)
    names = [m for m in titled if m.kind is MentionKind.NAME]
    names = _without_overlaps(
        names + _appositive_names(text, flat_text, directory) + _plain_names(text, directory, verbs)
    )
    for mention in names:
        if mention.speaker is not None:
            directory.add_speaker(mention.speaker)
    tokens = tokens_of(text)
    known = [
        Mention(tokens[a].start, tokens[b - 1].end, MentionKind.NAME, speaker)
        for a, b, speaker in directory.mentions(tokens)
    ]
    ordered = [
        *names,
        *known,
        *_spokespeople(flat_text, directory),
        *_capitals(tokens, directory),
        *[m for m in titled if m.kind is MentionKind.ROLE],
        *[Mention(m.start(), m.end(), MentionKind.PRONOUN) for m in _PRONOUN.finditer(text)],
    ]
    return _without_overlaps(ordered)


def _without_overlaps(mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions that overlap none listed before them, in text order."""
    taken: list[Mention] = []
    for mention in mentions:
        if all(mention.end <= other.start or mention.start >= other.end for other in taken):
            taken.append(mention)
    return sorted(taken, key=lambda mention: mention.start)


def _name_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the capitalised name words that text[start:end] starts with, if it starts with one."""
    name_end = None
    for match in _NAME_WORD_IN_TEXT.finditer(text, start, end):
        if (
            match.start() != (name_end if name_end is not None else start)
            and not text[name_end or start : match.start()].isspace()
        ):
            break
        if not _is_name_word(match.group()):
            break
        name_end = match.end()
    return (start, name_end) if name_end is not None else None


def _is_name_word(word: str) -> bool:
    """A word that can be part of a person's name: capitalised, not all capitals, no function word, country or month."""
    if not word[0].isupper() or (len(word) > 1 and word.isupper()):
        return False
    key = flat(word).rstrip("'")
    if key.endswith("'s"):
        return False
    return key not in _NOT_NAMES and country_code(key) is None and capital_country(key) is None


@dataclass(frozen=True)
class _OfficePhrase:
    """An office as the text words it, with what stands before it: where it starts and ends, its country."""

    start: int
    end: int
    role: str  # flattened
    office: str  # as written
    country: str | None
    determined: bool  # "the", "a", or a country before it


def _office_phrase(text: str, flat_text: str, role: re.Match[str], earliest: int) -> _OfficePhrase:
    """The office phrase around a role word: "the Romanian defence minister", "Poland's outgoing foreign minister"."""
    prefix = _PREFIX.search(flat_text, max(earliest, role.start() - 80), role.start())
    start, determined, country, modifiers = role.start(), False, None, ""
    if prefix is not None:
        word = prefix.group("country")
        country = country_code(word) if word else None
        groups = ("mods",) if word and country is None else ("lead", "mods")
        modifiers = " ".join(text[prefix.start(g) : prefix.end(g)].strip() for g in groups if prefix.group(g))
        if word and country is None:
            start = prefix.start("mods")
        else:
            start, determined = prefix.start(), bool(prefix.group("det") or word)
    end = role.end("of") if role.group("of") else role.end("role")
    office = (_UNSPOKEN_MODIFIERS.sub("", modifiers + " ") + text[role.start() : end]).strip()
    return _OfficePhrase(
        start, end, role.group("role"), office[:1].upper() + office[1:], country or _role_country(role), determined
    )


def _titled_names(text: str, flat_text: str, directory: ActorDirectory) -> list[Mention]:
    """Names after an office ("German Chancellor Olaf Scholz"), and offices named without a name (ROLE mentions)."""
    mentions: list[Mention] = []
    for role in _ROLE_PHRASE.finditer(flat_text):
        phrase = _office_phrase(text, flat_text, role, earliest=mentions[-1].end if mentions else 0)
        after = _NAME_AFTER.match(flat_text, phrase.end)
        name = _name_words(text, after.start("name"), after.end("name")) if after else None
        if after is not None and name is not None:
            speaker = _speaker(text[name[0] : name[1]], phrase.office, phrase.country, directory)
            closing = re.match(r"\s*,", text[name[1] :]) if "," in after.group("separator") else None
            mentions.append(
                Mention(phrase.start, name[1] + closing.end() if closing else name[1], MentionKind.NAME, speaker)
            )
        elif phrase.determined or _FOREIGN_ROLE.match(phrase.role):
            mentions.append(
                Mention(phrase.start, phrase.end, MentionKind.ROLE, role=phrase.role, country=phrase.country)
            )
    return mentions


def _appositive_names(text: str, flat_text: str, directory: ActorDirectory) -> list[Mention]:
    """Names with their office in commas after them ("Mircea Geoana, NATO's outgoing deputy secretary-general,")."""
    mentions = []
    for match in _APPOSITIVE.finditer(flat_text):
        name = _name_words(text, match.start("name"), match.end("name"))
        role = _ROLE_PHRASE.search(flat_text, match.start("appositive"), match.end("appositive"))
        if name is None or name[1] != match.end("name") or len(text[name[0] : name[1]].split()) < 2 or role is None:
            continue
        phrase = _office_phrase(text, flat_text, role, earliest=match.start("appositive"))
        if phrase.start != match.start("appositive"):
            continue  # more than an office between the commas
        office = phrase.office
        if phrase.end != match.end("appositive"):
            # "a spokesperson for the Ministry of Defence": the office, and whose office it is
            rest = _OFFICE_OF.fullmatch(text, phrase.end, match.end("appositive"))
            if rest is None:
                continue
            office += text[phrase.end : match.end("appositive")]
        speaker = _speaker(text[name[0] : name[1]], office, phrase.country, directory)
        mentions.append(Mention(name[0], match.end(), MentionKind.NAME, speaker))
    return mentions


def _plain_names(text: str, directory: ActorDirectory, verbs: Sequence[Verb]) -> list[Mention]:
    """Full names with no office next to a verb of saying ("Kaja Kallas said", "according to Kaja Kallas")."""
    flat_text = flat(text)
    mentions = []
    for verb in verbs:
        words = list(_NAME_WORD_IN_TEXT.finditer(text, max(0, verb.start - 80), verb.start))[-3:]
        while words and not (
            text[words[-1].end() : verb.start].isspace() and all(_is_name_word(w.group()) for w in words)
        ):
            words.pop(0)
        mentions += _plain_name(text, words, directory)
    starts = [verb.end for verb in verbs] + [
        match.start() + len(match.group().rstrip()) for match in ACCORDING.finditer(flat_text)
    ]
    for start in starts:
        following = _NAME_AFTER.match(flat_text, start)
        if following is not None and following.group("separator").isspace():
            name = _name_words(text, following.start("name"), following.end("name"))
            if name is not None:
                mentions += _plain_name(text, list(_NAME_WORD_IN_TEXT.finditer(text, *name)), directory)
    return mentions


def _plain_name(text: str, words: Sequence[re.Match[str]], directory: ActorDirectory) -> list[Mention]:
    """A mention for two or three name words in a row, unless they name an outlet or an institution."""
    name = " ".join(w.group() for w in words)
    if len(words) < 2 or text[words[0].start() : words[-1].end()] != name or _NOT_PERSON & set(flat(name).split()):
        return []
    return [Mention(words[0].start(), words[-1].end(), MentionKind.NAME, _speaker(name, None, None, directory))]


def _role_country(role: re.Match[str]) -> str | None:
    """A country the title itself names: "Secretary General of NATO", "Nato-Generalsekretär", "Bundeskanzler"."""
    if role.group("of"):
        code = country_code(role.group("of").removeprefix("the "))
        if code:
            return code
    words = role.group("role")
    if words.startswith("nato-") or words.endswith("nato"):
        return "NATO"
    return "DE" if words.startswith("bundes") else None


def _speaker(name: str, office: str | None, country: str | None, directory: ActorDirectory) -> Speaker:
    """The known actor with this name, or a new speaker with the office and country the text gives."""
    known = directory.speaker_named(name)
    if known is not None:
        return Speaker(
            name=known.name, known=known.known, office=office or known.office, country=known.country or country
        )
    return Speaker(name=name, office=office, country=country)


def _spokespeople(flat_text: str, directory: ActorDirectory) -> list[Mention]:
    """An institution's spokesperson named by the institution ("a spokesperson for the bloc", "NATO's spokesman")."""
    nato = len(re.findall(r"\bnato\b|\balliance\b", flat_text))
    eu = len(re.findall(r"\beu\b|\beuropean union\b|\beuropean commission\b", flat_text))
    mentions = []
    for match in _SPOKESPERSON.finditer(flat_text):
        org = match.group("org") or match.group("org2")
        code = (
            "EU" if org in ("eu", "european union", "european commission") or (org == "bloc" and eu > nato) else "NATO"
        )
        name = f"{code} spokesperson"
        speaker = directory.speaker_named(name) or Speaker(name=name, office=name, country=code)
        mentions.append(Mention(match.start(), match.end(), MentionKind.NAME, speaker))
    return mentions


def _capitals(tokens: Sequence[Token], directory: ActorDirectory) -> list[Mention]:
    """Capitals standing for their governments ("Kyiv asked"), unless a preposition makes them a place ("in Kyiv")."""
    mentions = []
    for index, token in enumerate(tokens):
        code = capital_country(token.key) if token.capitalised else None
        if code is None or (index > 0 and tokens[index - 1].key in _PREPOSITIONS):
            continue
        name = f"Government of {country_name(code)}"
        speaker = directory.speaker_named(name) or Speaker(name=name, office=name, country=code, is_person=False)
        mentions.append(Mention(token.start, token.end, MentionKind.NAME, speaker))
    return mentions
