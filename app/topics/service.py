"""What adding a topic or changing its wording does. Slugs never change: URLs and records name topics by them."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from app.errors import FieldError, NotFound, Refused
from app.system import repository as system_repository
from app.text import clean_text
from app.topics import repository
from app.topics.models import Topic
from app.topics.schemas import TopicSlug

TITLE_MAX_LENGTH = 200
QUESTION_MAX_LENGTH = 1000
SLUG_MAX_LENGTH = 64
_SLUG = TypeAdapter(TopicSlug)


class TopicRefused(Refused):
    """A topic's fields break a rule; nothing was written."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(*(FieldError(field, message) for field, message in errors))


class TopicNotFound(NotFound):
    def __init__(self, slug: str) -> None:
        super().__init__(f"There is no topic '{slug}'.")


def _wording(title: str, question: str) -> tuple[str, str, list[tuple[str, str]]]:
    errors = []
    try:
        title = clean_text(title, max_length=TITLE_MAX_LENGTH, multiline=False)
    except ValueError as error:
        errors.append(("title", str(error)))
    try:
        question = clean_text(question, max_length=QUESTION_MAX_LENGTH, multiline=False)
    except ValueError as error:
        errors.append(("question", str(error)))
    return title, question, errors


def add_topic(*, session: Session, slug: str, title: str, question: str, is_context: bool = False) -> Topic:
    """A new topic, listed after the others; TopicRefused names every bad field."""
    title, question, errors = _wording(title, question)
    slug = slug.strip()
    if not slug:
        errors.insert(0, ("slug", "is empty"))
    elif len(slug) > SLUG_MAX_LENGTH:
        errors.insert(0, ("slug", f"is {len(slug)} characters long; the limit is {SLUG_MAX_LENGTH}"))
    else:
        try:
            slug = _SLUG.validate_python(slug)
        except ValidationError as error:
            errors.insert(0, ("slug", str(error.errors()[0]["msg"]).removeprefix("Value error, ")))
        else:
            if repository.get_by_slug(session, slug) is not None:
                errors.insert(0, ("slug", f"'{slug}' is taken by another topic"))
    if errors:
        raise TopicRefused(errors)
    system_repository.begin_data_change(session)  # pages list the topics, so their ETags must change
    return repository.add(
        session,
        Topic(
            slug=slug, title=title, question=question, is_context=is_context, position=repository.next_position(session)
        ),
    )


def reword_topic(*, session: Session, slug: str, title: str, question: str) -> Topic:
    """Change a topic's title and question (its slug stays); TopicRefused names every bad field."""
    topic = repository.get_by_slug(session, slug)
    if topic is None:
        raise TopicNotFound(slug)
    title, question, errors = _wording(title, question)
    if errors:
        raise TopicRefused(errors)
    if (topic.title, topic.question) != (title, question):
        system_repository.begin_data_change(session)
        topic.title, topic.question = title, question
        session.flush()
    return topic
