"""The one error the extractor raises: a message an editor can act on, and the form field it concerns."""

from __future__ import annotations

from app.errors import FieldError, Refused


class ExtractionError(Refused):
    """An article that can't be read: empty, binary, too large, or with no text in it."""

    def __init__(self, message: str, *, field: str, status: int = 422) -> None:
        super().__init__(FieldError(field, message), message=message, status=status)
        self.field = field
