"""Keyset page tokens for the statement history: where the previous page ended, signed.

A token names the last row shown, (said_on, id), in the history's order (newest first). It is
signed with the app's secret, so a tampered token is refused with a clear message rather than
silently showing some other page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

PAGE_SIZE = 50
COUNT_CAP = 10_000
# How far a count may look before it stops and says "at least": many index entries when the only
# filter checked one by one is the stance (the listing indexes carry it), fewer rows when each
# candidate must be read (a condition, or words together with other filters).
COUNT_BUDGET_INDEXED = 60_000
COUNT_BUDGET_ROWS = 5_000


class BadPageToken(ValueError):
    """A page token that was not made by this app (or not for this database)."""


@dataclass(frozen=True, slots=True)
class Cursor:
    said_on: date
    statement_id: int


def _signature(payload: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), b"page:" + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode().rstrip("=")


def encode(cursor: Cursor, *, secret: str) -> str:
    """'2024-07-13.1234.<signature>': readable, and refused if changed."""
    payload = f"{cursor.said_on.isoformat()}.{cursor.statement_id}"
    return f"{payload}.{_signature(payload.encode(), secret)}"


def decode(token: str, *, secret: str) -> Cursor:
    """The cursor in a token, or BadPageToken saying why it can't be used."""
    parts = token.split(".")
    if len(parts) != 3:
        raise BadPageToken("is not a page token from this site; start again from the first page")
    said_on, statement_id, signature = parts
    if not hmac.compare_digest(signature, _signature(f"{said_on}.{statement_id}".encode(), secret)):
        raise BadPageToken("has been changed or belongs to another database; start again from the first page")
    try:
        return Cursor(date.fromisoformat(said_on), int(statement_id))
    except ValueError:
        raise BadPageToken("is not a page token from this site; start again from the first page") from None
