"""What the add and edit forms look up as an editor types: who an actor's name is, which sources are on record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.actors import repository as actors_repository
from app.actors.models import Actor
from app.actors.rules import offices_held_on
from app.sources import repository as sources_repository
from app.sources.models import Source
from app.sources.urls import normalise_url
from app.statements.forms import FormState
from app.text import fold


@dataclass(frozen=True, slots=True)
class KnownSources:
    """The form's sources looked up: the rows already recorded, and every identity asked for (None: not stored)."""

    by_row: dict[int, Source]
    looked_up: dict[tuple[str, str], Source | None]


def known_sources(*, session: Session, state: FormState) -> KnownSources:
    """Rows whose URL is already recorded, by row; blank outlet, title and date filled in from the record.

    What was asked for goes on to the check (`looked_up`), so that it doesn't ask again.
    """
    urls: dict[int, str] = {}
    for index, row in enumerate(state.sources):
        try:
            urls[index] = normalise_url(row.url)
        except ValueError:
            continue
    keys = {index: row.key.strip() for index, row in enumerate(state.sources) if row.key.strip() and index not in urls}
    stored = sources_repository.find_existing(session, urls=urls.values(), keys=keys.values())
    looked_up: dict[tuple[str, str], Source | None] = {("url", url): None for url in urls.values()}
    looked_up |= {("key", key): None for key in keys.values()}
    looked_up |= stored
    found: dict[int, Source] = {}
    for index in range(len(state.sources)):
        source = stored.get(("url", urls[index])) if index in urls else stored.get(("key", keys.get(index, "")))
        if source is None:
            continue
        found[index] = source
        row = state.sources[index]
        row.outlet = row.outlet if row.outlet.strip() else source.outlet
        row.title = row.title if row.title.strip() else source.title
        if not row.published_on.strip() and source.published_on:
            row.published_on = source.published_on.isoformat()
    return KnownSources(found, looked_up)


@dataclass(frozen=True, slots=True)
class ActorNote:
    """Who the typed actor name is: one stored actor, several, or nobody yet (a new actor)."""

    typed: str
    actors: list[Actor]  # with their offices and the offices' countries

    @property
    def new(self) -> bool:
        return not self.actors


def actor_note(*, session: Session, typed: str) -> ActorNote | None:
    """The stored actors going by exactly this name or alias (case and diacritics ignored)."""
    key = fold(typed)
    if not key:
        return None
    ids = actors_repository.alias_index(session, [key]).get(key, set())
    actors = actors_repository.with_offices(session, ids)
    return ActorNote(typed.strip(), sorted(actors.values(), key=lambda actor: (actor.name, actor.id)))


def pick_actor(*, session: Session, state: FormState, slug: str) -> None:
    """Fill in the actor an editor picked: their name and kind, and the office they held on the form's date.

    With no date yet, or no single office held that day, office and country stay for the editor
    (a blank office means the one held on the date, found on saving).
    """
    actor = actors_repository.get_by_slug(session, slug)
    if actor is None:
        return
    state.values |= {"actor": actor.name, "actor_kind": actor.kind.value}
    held = offices_held_on(actor.offices, _day(state.values.get("said_on", "")))
    if len(held) == 1:
        state.values |= {"office": held[0].title, "country": held[0].country.code, "office_rank": ""}
    state.focus = "topic"


def _day(text: str) -> date:
    """The form's date, or today when it has none (yet)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return date.today()
