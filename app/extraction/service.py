"""Reading an article against the store: the actors on record to match speakers to, and statements already recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.actors import repository as actors_repository
from app.extraction.actors import KnownActor, KnownOffice
from app.extraction.article import Article, read_article
from app.extraction.candidates import Candidate, find_candidates
from app.extraction.errors import ExtractionError
from app.perf.versioned import per_data_version
from app.statements import repository as statements_repository
from app.statements.cards import StatementCard
from app.statements.rules import similar_quotes

MAX_ARTICLE_BYTES = 1_000_000  # pasted or uploaded: a long article is a tenth of this
DUPLICATE_WINDOW_DAYS = 3  # a recorded statement this close in time, with much the same words, is the same one


# The interchange fields of a candidate, in the JSON the CLI and the API give.
CANDIDATE_FIELDS = (
    "actor",
    "actor_slug",
    "office",
    "country",
    "quote",
    "quote_is_verbatim",
    "said_on",
    "date_precision",
    "date_is_report_date",
    "language",
    "topic",
    "condition",
    "context",
)


def candidate_json(candidate: Candidate) -> dict[str, object]:
    """A candidate in the CLI's and the API's shape."""
    values = candidate.to_json()
    return {name: values[name] for name in CANDIDATE_FIELDS}


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate statement, and the recorded statements it may repeat."""

    candidate: Candidate
    recorded: list[StatementCard]


@dataclass(frozen=True, slots=True)
class Reading:
    """What an article holds: its text, title and date, and the candidate statements in it."""

    article: Article
    found: list[Found]


def known_actors(*, session: Session) -> tuple[KnownActor, ...]:
    """Every actor on record, with aliases and offices, as the extractor matches speakers (read once per version)."""

    def load() -> tuple[KnownActor, ...]:
        actors = []
        for actor in actors_repository.all_with_offices(session):
            offices = tuple(
                KnownOffice(office.title, office.country.code, office.started_on, office.ended_on)
                for office in actor.offices
            )
            usual = offices[-1].country if offices and offices[-1].country else ""
            aliases = tuple(alias.alias for alias in actor.aliases if alias.alias != actor.name)
            actors.append(KnownActor(actor.slug, actor.name, usual, aliases, offices))
        return tuple(actors)

    return per_data_version(session, "known_actors", load)


def read(
    *,
    session: Session,
    raw: bytes | str,
    filename: str | None,
    published_on: date | None,
    today: date,
) -> Reading:
    """The candidate statements in an article, each with the recorded statements it may repeat."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode())
    if size > MAX_ARTICLE_BYTES:
        field = "file" if filename is not None else "text"
        raise ExtractionError(
            "The article is over 1 MB: paste or upload at most 1 MB of text.", field=field, status=413
        )
    article = read_article(raw, filename=filename)
    candidates = find_candidates(
        article, published_on=published_on, known_actors=known_actors(session=session), today=today
    )
    return Reading(article, [Found(candidate, _recorded(session, candidate)) for candidate in candidates])


def _recorded(session: Session, candidate: Candidate) -> list[StatementCard]:
    """Published statements by the same known actor, within a few days, whose words are much the same."""
    if candidate.actor_slug is None or candidate.said_on is None:
        return []
    near = statements_repository.quotes_near(
        session, actor_slug=candidate.actor_slug, said_on=candidate.said_on, days=DUPLICATE_WINDOW_DAYS
    )
    ids = [statement_id for statement_id, quote in near if similar_quotes(quote, candidate.quote)]
    return statements_repository.cards(session, ids)
