"""The admins' topic forms as they arrive; the service checks the values and says what is wrong with each."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from app.accounts.schemas import CsrfForm

_TOPIC_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def check_slug(value: str) -> str:
    """A topic slug such as 'intercept-over-ukraine': lower-case words joined by hyphens."""
    value = value.strip()
    if not _TOPIC_SLUG.fullmatch(value):
        raise ValueError(f"{value!r} is not a topic slug such as 'intercept-over-ukraine'")
    return value


TopicSlug = Annotated[str, AfterValidator(check_slug)]


class NewTopicForm(CsrfForm):
    slug: str = ""
    title: str = ""
    question: str = ""
    is_context: str = ""


class TopicForm(CsrfForm):
    title: str = ""
    question: str = ""
