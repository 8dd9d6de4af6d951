"""The one error the extractor raises: a message an editor can act on, and the form field it concerns."""

from __future__ import annotations


class ExtractionError(ValueError):
    """An article that can't be read: empty, binary, too large, or with no text in it."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
