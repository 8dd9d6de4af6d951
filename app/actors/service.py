"""What creating an actor or an office does: a free slug, the name as an alias, an inferred rank."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.actors import repository
from app.actors.models import Actor, ActorAlias, ActorAliasWord, ActorKind, Office, OfficeRank
from app.actors.rules import (
    ChangeTally,
    PositionChange,
    StanceRecord,
    infer_rank,
    name_words,
    position_changes,
)
from app.perf.versioned import per_page_version
from app.stances import repository as stances_repository
from app.statements import repository as statements_repository
from app.statements.cards import StatementCard
from app.text import fold, slugify, strip_diacritics


def free_slug(*, session: Session, name: str, taken: set[str] | None = None) -> str:
    """A slug for `name` that no actor has yet (and that is not in `taken`)."""
    stem = slugify(name)[:100]
    used = repository.slugs_starting_with(session, stem) | (taken or set())
    if stem not in used:
        return stem
    number = 2
    while f"{stem}-{number}" in used:
        number += 1
    return f"{stem}-{number}"


def alias_rows(*, names: list[str]) -> list[ActorAlias]:
    """Alias rows for a name and its other spellings: one per folded key, the undiacritised form too.

    Each carries its words, which the add-statement form's actor search reads.
    """
    rows: dict[str, ActorAlias] = {}
    for name in names:
        for spelling in (name, strip_diacritics(name)):
            key = fold(spelling)
            if key not in rows:
                rows[key] = ActorAlias(
                    alias=spelling, key=key, words=[ActorAliasWord(word=word) for word in name_words(key)]
                )
    return list(rows.values())


def create_actor(
    *,
    session: Session,
    name: str,
    kind: ActorKind = ActorKind.PERSON,
    aliases: list[str] | None = None,
    slug: str | None = None,
) -> Actor:
    """A new actor, matched afterwards by its name and aliases."""
    actor = Actor(
        slug=slug or free_slug(session=session, name=name),
        name=name,
        kind=kind,
    )
    actor.aliases = alias_rows(names=[name, *(aliases or [])])
    return repository.add_actor(session, actor)


def create_office(
    *,
    session: Session,
    actor_id: int,
    country_id: int,
    title: str,
    rank: OfficeRank | None = None,
    started_on: date | None = None,
    ended_on: date | None = None,
) -> Office:
    """A new office for an actor, belonging to a country or institution; its rank is inferred unless given."""
    office = Office(
        actor_id=actor_id,
        country_id=country_id,
        title=title,
        rank=rank or infer_rank(title),
        started_on=started_on,
        ended_on=ended_on,
    )
    return repository.add_office(session, office)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An actor the typed words may mean; `alias` is the other name matched, if not the actor's own."""

    actor: Actor  # with its offices and their countries loaded
    alias: str | None


SUGGESTION_CANDIDATES = 200


def suggest(*, session: Session, typed: str, limit: int = 8) -> list[Suggestion]:
    """Actors with a name or alias in which every typed word begins a word (case and diacritics ignored)."""
    wanted = name_words(typed)
    if not wanted:
        return []
    # The longest word is the most selective index range; the others are checked here.
    rows = repository.aliases_with_word_prefix(session, max(wanted, key=len), limit=SUGGESTION_CANDIDATES)
    matched: dict[int, tuple[str, str]] = {}
    for actor_id, alias, key in rows:
        words = name_words(key)
        if all(any(word.startswith(part) for word in words) for part in wanted):
            matched.setdefault(actor_id, (alias, key))
    actors = repository.with_offices(session, matched)
    first = wanted[0]

    def rank(actor: Actor) -> tuple[bool, str]:
        return (not fold(actor.name).startswith(first), fold(actor.name))

    found = []
    for actor in sorted(actors.values(), key=rank)[:limit]:
        alias, key = matched[actor.id]
        own = all(any(word.startswith(part) for word in name_words(actor.name)) for part in wanted)
        found.append(Suggestion(actor, None if own else alias))
    return found


@dataclass(frozen=True, slots=True)
class ChangeShown:
    """A change of position with its two statements as cards."""

    change: PositionChange
    before: StatementCard
    after: StatementCard


@dataclass(frozen=True, slots=True)
class ChangesOfPosition:
    """The newest changes of position, newest first, and how many there are in all."""

    shown: list[ChangeShown]
    total: int


def changes_of_position(
    *,
    session: Session,
    actor_id: int | None = None,
    country_id: int | None = None,
    last: date | None = None,
    limit: int,
    known: Mapping[int, StatementCard] | None = None,
) -> ChangesOfPosition:
    """Each change of an actor's stance on a topic, among an actor's or a country's statements: the newest `limit`.

    A country's are stored (stances/refresh.py keeps them with every write): its page at any `as_of`
    reads the newest from an index, and their count from the country's changes per day, read once per
    the page's version (counting up to 46,000 index entries was a few percent of a cold country page).
    An actor's few hundred statements are read once per the page's version and the changes after `last`
    dropped (a change depends only on the statements before it). Statements whose cards the page holds
    already (`known`, by id) are not read again.
    """
    if country_id is not None and actor_id is None:
        until = last or date.max
        stored = stances_repository.country_changes(session, country_id=country_id, last=until, limit=limit)
        newest = [PositionChange(*row) for row in stored]
        tally = per_page_version(
            session,
            f"change_tally:{country_id}",
            lambda: ChangeTally.of(stances_repository.country_changes_by_day(session, country_id=country_id)),
        )
        return _shown(session, newest, tally.up_to(until), known or {})

    def every_change() -> list[PositionChange]:
        rows = statements_repository.stance_records(session, actor_id=actor_id, country_id=country_id)
        return position_changes([StanceRecord(*row) for row in rows])

    every = per_page_version(session, f"changes:{actor_id}:{country_id}", every_change)
    if last is not None:
        every = [change for change in every if change.changed_on <= last]
    return _shown(session, every[::-1][:limit], len(every), known or {})


def _shown(
    session: Session, newest: list[PositionChange], total: int, known: Mapping[int, StatementCard]
) -> ChangesOfPosition:
    wanted = sorted({i for change in newest for i in (change.before_id, change.after_id)} - known.keys())
    loaded = {**known, **{card.id: card for card in statements_repository.cards(session, wanted)}}
    shown = [ChangeShown(change, loaded[change.before_id], loaded[change.after_id]) for change in newest]
    return ChangesOfPosition(shown, total)
