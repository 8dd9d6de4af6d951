"""The admins' topic forms as they arrive; the service checks the values and says what is wrong with each."""

from __future__ import annotations

from app.accounts.schemas import CsrfForm


class NewTopicForm(CsrfForm):
    slug: str = ""
    title: str = ""
    question: str = ""
    is_context: str = ""


class TopicForm(CsrfForm):
    title: str = ""
    question: str = ""
