"""Keyset page tokens for the statement history: where the previous page ended, signed.

A token names the last row shown, (said_on, id), in the history's order (newest first). It is
signed with the app's secret, so a tampered token is refused with a clear message rather than
silently showing some other page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from app import params

PAGE_SIZE = 50
COUNT_CAP = 10_000
# How far a count may look before it stops and says "at least": many index entries when the only
# filter checked one by one is the stance (the listing indexes carry it), fewer rows when each
# candidate must be read (a condition, or words together with other filters).
COUNT_BUDGET_INDEXED = 60_000
COUNT_BUDGET_ROWS = 5_000


# What every token this app makes looks like (its signature is 12 bytes, 16 characters of base64).
PAGE_TOKEN = f"{params.DAY}\\.[1-9][0-9]{{0,9}}\\.[A-Za-z0-9_-]{{16}}"
PAGE_TOKEN_PATTERN = f"^$|^{PAGE_TOKEN}$"
_PAGE_TOKEN = re.compile(PAGE_TOKEN)


class BadPageToken(ValueError):
    """A page token that was not made by this app (or not for this database)."""


class ForeignPageToken(BadPageToken):
    """A token written as this app writes them, that this app's secret did not sign: it names no page here."""


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
    if not _PAGE_TOKEN.fullmatch(token):
        raise BadPageToken("is not a page token from this site; start again from the first page")
    said_on, statement_id, signature = token.split(".")
    if not hmac.compare_digest(signature, _signature(f"{said_on}.{statement_id}".encode(), secret)):
        raise ForeignPageToken("has been changed or belongs to another database; start again from the first page")
    try:
        return Cursor(date.fromisoformat(said_on), int(statement_id))
    except ValueError:
        raise BadPageToken("is not a page token from this site; start again from the first page") from None
