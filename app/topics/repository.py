"""Every query on topics."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.perf.driver import DriverRead, copy_of
from app.perf.versioned import per_data_version
from app.topics.models import Topic

_ALL = select(Topic).order_by(Topic.position, Topic.slug)  # built once: every save and form asks


def all_topics(session: Session) -> list[Topic]:
    return list(session.execute(_ALL).scalars())


@dataclass(frozen=True, slots=True)
class TopicChoice:
    """A topic as menus and page headings show it: plain values, shared by every request at one data version."""

    id: int
    slug: str
    title: str
    question: str
    is_context: bool


_CHOICES = select(Topic.id, Topic.slug, Topic.title, Topic.question, Topic.is_context).order_by(
    Topic.position, Topic.slug
)


def choices(session: Session) -> tuple[TopicChoice, ...]:
    """Every topic in menu order, read once per data version (adding or rewording a topic bumps it)."""
    return per_data_version(
        session, "topic_choices", lambda: tuple(TopicChoice(*row) for row in session.connection().execute(_CHOICES))
    )


def by_slug(session: Session) -> dict[str, Topic]:
    return {topic.slug: topic for topic in all_topics(session)}


_COPIES = DriverRead(select(*Topic.__table__.c), typed=True)  # every save asks: 20 µs, where a Core read took 120


def copies_by_slug(session: Session) -> dict[str, Topic]:
    """Every topic by slug, as transient copies, not in the session: for a save's checks, which only read them."""
    topics = (copy_of(Topic, row) for row in _COPIES.fetchall(session))
    return {topic.slug: topic for topic in topics}


_BY_SLUG = select(Topic).where(Topic.slug == bindparam("slug"))  # built once: every filtered history page asks


def get_by_slug(session: Session, slug: str) -> Topic | None:
    return session.execute(_BY_SLUG, {"slug": slug}).scalar_one_or_none()


def next_position(session: Session) -> int:
    """A position after every topic's, so a new topic is listed last."""
    return (session.execute(select(func.max(Topic.position))).scalar_one() or 0) + 1


def add(session: Session, topic: Topic) -> Topic:
    session.add(topic)
    session.flush()
    return topic
