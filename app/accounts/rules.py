"""What an email address, a password and a token name must be: pure functions returning the clean value or raising.

The command line, the admin page and the account page apply these, so each message is written once.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from app.accounts.models import ApiToken, Role, UserSession
from app.db import utcnow
from app.text import first_control_character

EMAIL_MAX_LENGTH = 320
PASSWORD_MIN_LENGTH = 8
# Long enough for any passphrase or password manager; short enough that hashing stays cheap.
PASSWORD_MAX_LENGTH = 4096
TOKEN_NAME_MAX_LENGTH = 100
DISPLAY_NAME_MAX_LENGTH = 80
# Sliding a session's expiry writes at most once a minute per session, so page views stay reads.
TOUCH_EVERY = timedelta(minutes=1)

_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def email_key(value: str) -> str:
    """How an address is stored and compared: trimmed and lower-cased (also for unknown addresses)."""
    return value.strip().lower()[:EMAIL_MAX_LENGTH]


def clean_email(value: str) -> str:
    """A plausible address (name@example.org), lower-cased."""
    email = value.strip().lower()
    if not email:
        raise ValueError("Enter an email address.")
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValueError(f"An email address has at most {EMAIL_MAX_LENGTH} characters.")
    if first_control_character(email, allow_newlines=False) or not _EMAIL.fullmatch(email):
        raise ValueError("Enter an email address like name@example.org.")
    return email


def check_new_password(value: str) -> str:
    """Non-empty, at least 8 and at most 4,096 characters; any characters, spaces included, count."""
    if value == "":
        raise ValueError("Enter a password; it can't be empty.")
    if len(value) < PASSWORD_MIN_LENGTH:
        raise ValueError(f"Use at least {PASSWORD_MIN_LENGTH} characters; a few words make a good password.")
    if len(value) > PASSWORD_MAX_LENGTH:
        raise ValueError(f"Use at most {PASSWORD_MAX_LENGTH:,} characters.")
    if "\x00" in value:
        raise ValueError("A password can't contain a NUL character.")
    return value


def clean_role(value: str | Role) -> Role:
    """'editor' or 'admin'."""
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        raise ValueError("Choose editor or admin.") from None


def clean_token_name(value: str) -> str:
    """1 to 100 characters, no control characters."""
    name = value.strip()
    if not name:
        raise ValueError("Give the token a name, for example where it will be used.")
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise ValueError(f"Use at most {TOKEN_NAME_MAX_LENGTH} characters.")
    if first_control_character(name, allow_newlines=False):
        raise ValueError("A token name can't contain control characters.")
    return name


def clean_display_name(value: str) -> str:
    """1 to 80 characters, no control characters, and not an email address: the public sees it."""
    if first_control_character(value, allow_newlines=False):
        raise ValueError("A display name can't contain control characters.")
    name = " ".join(value.split())
    if not name:
        raise ValueError("Enter a display name; readers see it beside the changes you make.")
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValueError(f"A display name has at most {DISPLAY_NAME_MAX_LENGTH} characters.")
    if _EMAIL.search(name):
        raise ValueError("A display name can't be an email address: everyone can read it.")
    return name


def digest(token: str) -> str:
    """The SHA-256 of a secret token, as stored: a leaked table can't be replayed as cookies or tokens."""
    return hashlib.sha256(token.encode()).hexdigest()


def viewer_key(session_id: str) -> str:
    """A short, stable name for a session, for ETags: never the cookie itself."""
    return session_id[:16]


def needs_touch(record: UserSession, now: datetime | None = None) -> bool:
    """Whether this request should slide the session's expiry (at most once a minute)."""
    return (now or utcnow()) - record.last_seen_at >= TOUCH_EVERY


def token_needs_touch(record: ApiToken, now: datetime | None = None) -> bool:
    """Whether this use should be recorded (at most once a minute per token)."""
    return record.last_used_at is None or (now or utcnow()) - record.last_used_at >= TOUCH_EVERY
