"""Who speaks: the actors the caller already knows, the speakers read from an article, and matching names to actors."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from app.actors.rules import name_words
from app.text import fold

_WORD = re.compile(r"\w+")
# A name word in another grammatical case ("Wróblewskiego", "Stoltenbergs") keeps the name as its start.
_MAX_ENDING = 3
_MIN_STEM = 4


@dataclass(frozen=True)
class KnownOffice:
    """An office an actor holds (or held, between the dates when they are given), and whom it belongs to."""

    title: str
    country: str | None = None
    started_on: date | None = None
    ended_on: date | None = None

    def held_on(self, day: date) -> bool:
        """Whether the office was held on this day (open ends count as held)."""
        return (self.started_on is None or self.started_on <= day) and (self.ended_on is None or day < self.ended_on)


@dataclass(frozen=True)
class KnownActor:
    """An actor on record, as the caller reads it from the database."""

    slug: str
    name: str
    country: str
    aliases: tuple[str, ...] = ()
    offices: tuple[KnownOffice, ...] = ()

    def office_on(self, day: date | None) -> str | None:
        """The title of the office held on a day, or of the one still held when the day is not known."""
        office = self._office(day)
        return office.title if office else None

    def country_on(self, day: date | None) -> str:
        """Whom the office held on a day belongs to (the actor's usual country when that is not known)."""
        office = self._office(day)
        return office.country if office is not None and office.country else self.country

    def _office(self, day: date | None) -> KnownOffice | None:
        if day is not None:
            held = [office for office in self.offices if office.held_on(day)]
            dated = [office for office in held if office.started_on or office.ended_on]
            if held:
                return (dated or held)[0]
        current = [office for office in self.offices if office.ended_on is None]
        return current[0] if current else None


@dataclass(frozen=True)
class Speaker:
    """Who said something, as far as the article tells: a known actor, or a new name with what the text says of them."""

    name: str
    known: KnownActor | None = None
    office: str | None = None  # as the article words it
    country: str | None = None
    is_person: bool = True

    @property
    def key(self) -> str:
        """One key per actor: the known actor's slug, or the folded name."""
        return self.known.slug if self.known else fold(self.name)

    def country_code(self, day: date | None = None) -> str | None:
        """Whom the speaker speaks for: a known actor's office held that day, else what the text says."""
        return self.known.country_on(day) if self.known else self.country


@dataclass(frozen=True)
class Token:
    """One word of the article, with its place and its folded form."""

    start: int
    end: int
    key: str
    capitalised: bool


def tokens_of(text: str) -> list[Token]:
    """The article's words, in order."""
    return [Token(m.start(), m.end(), fold(m.group()), m.group()[0].isupper()) for m in _WORD.finditer(text)]


def _osa_distance(left: str, right: str) -> int:
    """Edit distance counting a swap of neighbours as one edit ("Zelsnkyy" is two from "Zelenskyy")."""
    rows = [list(range(len(right) + 1))]
    for i in range(1, len(left) + 1):
        row = [i] + [0] * len(right)
        for j in range(1, len(right) + 1):
            cost = 0 if left[i - 1] == right[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and left[i - 1] == right[j - 2] and left[i - 2] == right[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _typo_allowance(word: str) -> int:
    """How many slips a name word may carry and still match: none below six letters."""
    return 0 if len(word) < 6 else 1 if len(word) < 8 else 2


def word_matches(token: str, word: str) -> bool:
    """Whether a folded text word is this folded name word, inflected ("sikorskiego") or misspelt ("zelsnkyy")."""
    if token == word:
        return True
    if len(word) >= _MIN_STEM and token.startswith(word) and len(token) - len(word) <= _MAX_ENDING:
        return True
    allowance = _typo_allowance(word)
    return allowance > 0 and abs(len(token) - len(word)) <= allowance and _osa_distance(token, word) <= allowance


class ActorDirectory:
    """The names and aliases of known actors, and of new speakers an article introduces, matched word by word."""

    def __init__(self, actors: Sequence[KnownActor]) -> None:
        self._by_words: dict[tuple[str, ...], Speaker | None] = {}
        self._by_initial: dict[str, list[tuple[str, ...]]] = {}
        for actor in actors:
            speaker = Speaker(name=actor.name, known=actor, country=actor.country)
            for name in (actor.name, *actor.aliases):
                self._add(tuple(name_words(name)), speaker)

    def _add(self, words: tuple[str, ...], speaker: Speaker) -> None:
        """Adds a name; a name two actors share matches neither."""
        if not words:
            return
        if words in self._by_words:
            if self._by_words[words] not in (None, speaker):
                self._by_words[words] = None
            return
        self._by_words[words] = speaker
        self._by_initial.setdefault(words[0][0], []).append(words)

    def add_speaker(self, speaker: Speaker) -> None:
        """Adds a speaker the article named in full, so that their surname alone finds them later."""
        words = tuple(name_words(speaker.name))
        if words not in self._by_words:
            self._add(words, speaker)
        if speaker.is_person and len(words) > 1 and (words[-1],) not in self._by_words:
            self._add((words[-1],), speaker)

    def speaker_named(self, name: str) -> Speaker | None:
        """The speaker a whole name belongs to: exactly, or by a known surname ending it ("Radek Sikorski")."""
        words = tuple(name_words(name))
        for start in range(len(words)):
            speaker = self._by_words.get(words[start:])
            if speaker is not None:
                return speaker
        return self._misspelt(words)

    def _misspelt(self, words: tuple[str, ...]) -> Speaker | None:
        """A known name that this one misspells or inflects, word for word."""
        for key, speaker in self._by_words.items():
            if speaker is not None and len(key) == len(words) and all(map(word_matches, words, key)):
                return speaker
        return None

    def mentions(self, tokens: Sequence[Token]) -> Iterator[tuple[int, int, Speaker]]:
        """(first token, token after the last, speaker) for each name or alias in the tokens, longest first."""
        index = 0
        while index < len(tokens):
            found = self._longest_at(tokens, index) if tokens[index].capitalised else None
            if found is None:
                index += 1
                continue
            length, speaker = found
            yield index, index + length, speaker
            index += length

    def _longest_at(self, tokens: Sequence[Token], index: int) -> tuple[int, Speaker] | None:
        """The longest known name starting at this token, with its length in tokens."""
        best: tuple[int, Speaker] | None = None
        # A slip in a name's first letter is rare enough to look only at names sharing it.
        for words in self._by_initial.get(tokens[index].key[:1], ()):
            speaker = self._by_words[words]
            if speaker is None or len(words) > len(tokens) - index or (best and len(words) <= best[0]):
                continue
            if all(word_matches(tokens[index + offset].key, word) for offset, word in enumerate(words)):
                best = (len(words), speaker)
        return best
