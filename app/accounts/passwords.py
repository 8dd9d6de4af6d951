"""Passwords: argon2id through pwdlib, on NFKC-normalised text.

Normalising first means a password typed with a composed "é" on one keyboard and a decomposed
"e + ◌́" on another is the same password (NIST SP 800-63B, 5.1.1.2).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """An argon2id hash of the password, salted."""
    return _hasher.hash(_normalise(password))


def verify_password(password: str, stored_hash: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a fresh hash when the stored one uses older parameters."""
    try:
        return _hasher.verify_and_update(_normalise(password), stored_hash)
    except Exception:  # an unreadable stored hash never signs anyone in
        return False, None


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not a password anyone has")


def spend_verification_time(password: str) -> None:
    """Take as long as a real check, so a reply's timing can't tell whether an account exists."""
    _hasher.verify(_normalise(password), _dummy_hash())
