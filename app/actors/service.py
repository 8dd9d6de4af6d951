"""What creating an actor or an office does: a free slug, the name as an alias, an inferred rank."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.actors import repository
from app.actors.models import Actor, ActorAlias, ActorKind, Office, OfficeRank
from app.actors.rules import infer_rank
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


def alias_rows(names: list[str]) -> list[ActorAlias]:
    """Alias rows for a name and its other spellings: one per folded key, the undiacritised form too."""
    rows: dict[str, ActorAlias] = {}
    for name in names:
        for spelling in (name, strip_diacritics(name)):
            rows.setdefault(fold(spelling), ActorAlias(alias=spelling, key=fold(spelling)))
    return list(rows.values())


def create_actor(
    *,
    session: Session,
    name: str,
    country_id: int,
    kind: ActorKind = ActorKind.PERSON,
    aliases: list[str] | None = None,
    slug: str | None = None,
) -> Actor:
    """A new actor, matched afterwards by its name and aliases."""
    actor = Actor(
        slug=slug or free_slug(session=session, name=name),
        name=name,
        kind=kind,
        country_id=country_id,
    )
    actor.aliases = alias_rows([name, *(aliases or [])])
    return repository.add_actor(session, actor)


def create_office(
    *,
    session: Session,
    actor_id: int,
    title: str,
    rank: OfficeRank | None = None,
    started_on: date | None = None,
    ended_on: date | None = None,
) -> Office:
    """A new office for an actor; its rank is inferred from the title unless given."""
    office = Office(
        actor_id=actor_id,
        title=title,
        rank=rank or infer_rank(title),
        started_on=started_on,
        ended_on=ended_on,
    )
    return repository.add_office(session, office)
