"""The errors the rules raise, below every domain. app/web/errors.py answers each one once, as a page or JSON.

Each carries the HTTP status it is answered with, as polar's `exceptions.py` does: a service says
what went wrong, and no route has to translate it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, Field


@dataclass(frozen=True, slots=True)
class FieldError:
    """One field at fault and what is wrong with it: 'said_on', 'is in the future'."""

    field: str
    message: str


class FieldProblemOut(BaseModel):
    field: str = Field(description="Where: 'said_on', 'sources[0].url', 'version', a query parameter's name ...")
    message: str


class ProblemOut(BaseModel):
    """The JSON body of every error the app answers (app/web/errors.py writes it)."""

    status: int
    title: str
    message: str
    errors: list[FieldProblemOut] = Field(description="Every bad field, each with its message (may be empty).")


class AppError(Exception):
    """A request the app refuses, with the fields at fault; nothing was written."""

    status = 400

    def __init__(
        self,
        *errors: FieldError,
        message: str | None = None,
        status: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.errors = list(errors)
        self.message = message or "; ".join(f"{e.field}: {e.message}" for e in errors)
        if status is not None:
            self.status = status
        self.details = details or {}  # more for JSON clients (a conflict's current version), beside the errors
        self.headers: dict[str, str] = {}
        super().__init__(self.message)


class BadQuery(AppError):
    """A query parameter that can't be used: a bad date, an unknown code, a tampered page token.

    422, as FastAPI answers a parameter of the wrong type: bad input gets one status everywhere.
    """

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(FieldError(field, message))


class NotFound(AppError):
    """No such statement, actor, country, topic, token or user."""

    status = 404

    def __init__(self, message: str) -> None:
        super().__init__(message=message)


class Forbidden(AppError):
    """The person is known, and may not do this."""

    status = 403

    def __init__(self, message: str) -> None:
        super().__init__(message=message)


class Refused(AppError):
    """Fields that break a rule; nothing was written."""

    status = 422

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Refused:
        """From (field, message) pairs."""
        return cls(*(FieldError(field, message) for field, message in pairs))


class Conflict(AppError):
    """The thing changed, or is already in the state asked for; nothing was written."""

    status = 409

    def __init__(self, message: str, *errors: FieldError, details: dict[str, Any] | None = None) -> None:
        super().__init__(*errors, message=message, details=details)


class VersionConflict(Conflict):
    """A statement changed since the editor loaded it. Carries plain data: the transaction rolls back."""

    def __init__(
        self,
        *,
        statement_id: int,
        current_version: int,
        current_record: dict[str, Any],
        expected_version: int | None,
        message: str | None = None,
    ) -> None:
        self.statement_id = statement_id
        self.current_version = current_version
        self.current_record = current_record
        self.expected_version = expected_version
        message = message or f"the statement changed: it is at version {current_version}, not {expected_version}"
        super().__init__(
            message,
            FieldError("version", message),
            details={"current_version": current_version, "current": current_record},
        )


class Throttled(AppError):
    """Too many attempts lately; answered 429 with Retry-After."""

    status = 429

    def __init__(self, message: str, *, retry_after: timedelta) -> None:
        super().__init__(message=message)
        self.retry_after_seconds = max(1, math.ceil(retry_after.total_seconds()))
        self.headers = {"Retry-After": str(self.retry_after_seconds)}
