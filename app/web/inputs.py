"""Text as it arrives, checked once for every route: no control characters in any path, query, form or JSON value.

A NUL byte can't be stored by PostgreSQL at all, and no control character belongs in a name, a code,
a URL or a search; line breaks and tabs are let through only in the fields that are blocks of text
(the quote, its translation, notes and the article to read), where the field's own rule decides.
Refused with 422 naming the field, before any route reads the value (issue 24).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from app.errors import FieldError, Refused

# The textareas of the forms and the interchange format's blocks of text.
MULTILINE_FIELDS = frozenset({"quote", "translation", "date_note", "rationale", "question", "text"})
_LINE_BREAKS = frozenset("\t\n\r")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def control_character(value: str, *, multiline: bool) -> str | None:
    """What is wrong with `value`'s first control character (C0, DEL or C1), if it has one the field may not hold."""
    for index, ch in enumerate(value):
        if multiline and ch in _LINE_BREAKS:
            continue
        if unicodedata.category(ch) == "Cc":
            allowed = " other than line breaks" if multiline else ""  # the field's own rule refuses tabs
            return f"contains a control character{allowed} (U+{ord(ch):04X} at position {index + 1})"
    return None


def problems(pairs: Iterable[tuple[str, str]]) -> list[FieldError]:
    """Each (field, text) whose text, or whose field name, holds a control character it may not."""
    errors = []
    for field, value in pairs:
        if control_character(field, multiline=False) is not None:
            errors.append(FieldError(repr(field)[1:-1], "is not a field name: it contains a control character"))
            continue
        leaf = field.rsplit(".", 1)[-1].split("[", 1)[0]
        message = control_character(value, multiline=leaf in MULTILINE_FIELDS)
        if message is not None:
            errors.append(FieldError(field, message))
    return errors


def json_strings(document: Any) -> Iterator[tuple[str, str]]:
    """Every string in a JSON document, keys included, with where it is: ('sources[0].url', 'https://...')."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            yield where or "body", node
        elif isinstance(node, dict):
            for key, value in node.items():
                name = f"{where}.{key}" if where else str(key)
                if control_character(str(key), multiline=False) is not None:
                    yield name, ""  # named as a field name, refused as one
                else:
                    stack.append((name, value))
        elif isinstance(node, list):
            stack.extend((f"{where or 'body'}[{index}]", item) for index, item in enumerate(node))


async def _body_strings(request: Request) -> list[tuple[str, str]]:
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()  # parsed once: the route and the CSRF check reuse it
        return [(name, value) for name, value in form.multi_items() if not isinstance(value, UploadFile)]
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            document = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError, RecursionError):
            return []  # not JSON: the route refuses it, naming the body
        return list(json_strings(document))
    return []


async def plain_text(request: Request) -> None:
    """Refuse (422, naming each field) control characters in the path, the query, a form or a JSON body."""
    pairs = [*request.path_params.items(), *request.query_params.multi_items()]
    pairs = [(name, value) for name, value in pairs if isinstance(value, str)]
    if request.method not in _SAFE_METHODS:
        pairs += await _body_strings(request)
    errors = problems(pairs)
    if errors:
        raise Refused(*errors)
