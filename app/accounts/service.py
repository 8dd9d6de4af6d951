"""The rules of accounts: users, sign-in with its rate limit, sessions and API tokens. Never commits.

Signing in takes two short transactions with the password check between them, outside any
transaction: argon2 takes a fifth of a second, and SQLite's write lock must not wait on it.
The attempt is recorded as a failure first and marked a success only once the password matched,
so attempts running at the same time on other workers count each other.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts import passwords, repository, rules
from app.accounts.models import ApiToken, LoginAttempt, Role, User, UserSession, default_display_name
from app.db import utcnow
from app.errors import FieldError, NotFound, Refused, Throttled

LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_MAX_FAILURES = 10
TOKEN_PREFIX = "iw_"
TOKEN_DISPLAY_LENGTH = 11  # "iw_" and 8 characters: enough to tell tokens apart, useless to guess with
ADDRESS_MAX_LENGTH = 64


class AccountRefused(Refused):
    """A change to accounts that breaks a rule; nothing was written."""

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        super().__init__(*(FieldError(field, message) for field, message in errors))


class UserNotFound(NotFound):
    def __init__(self, what: str) -> None:
        super().__init__(f"There is no user {what}.")


class TokenNotFound(NotFound):
    """Not one of this user's tokens."""

    def __init__(self) -> None:
        super().__init__("There is no such token on your account.")


class LoginThrottled(Throttled):
    """Too many failed attempts lately for this account or from this address; the password was not checked."""

    def __init__(self, retry_after: timedelta) -> None:
        minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
        super().__init__(
            "Too many failed sign-in attempts for this account or from this network. "
            f"For safety, signing in is paused: please try again in {minutes} minute{'s' if minutes != 1 else ''}.",
            retry_after=retry_after,
        )


# Users


def add_user(
    *, session: Session, email: str, password: str, role: str | Role, password_confirm: str | None = None
) -> User:
    """Create a user, after checking every field at once; the password is stored only as its argon2id hash."""
    errors: list[tuple[str, str]] = []
    clean: dict[str, object] = {}
    for field, check, value in (
        ("email", rules.clean_email, email),
        ("password", rules.check_new_password, password),
        ("role", rules.clean_role, role),
    ):
        try:
            clean[field] = check(value)
        except ValueError as error:
            errors.append((field, str(error)))
    if password_confirm is not None and password_confirm != password and "password" in clean:
        errors.append(("password_confirm", "The two passwords differ; type the same password twice."))
    if "email" in clean and repository.user_by_email(session, str(clean["email"])) is not None:
        errors.append(("email", f"There is already a user {clean['email']}."))
    if errors:
        raise AccountRefused(errors)
    user = User(email=str(clean["email"]), password_hash=passwords.hash_password(password), role=clean["role"])
    try:
        with session.begin_nested():  # a refusal leaves the unit of work usable
            session.add(user)
    except IntegrityError:  # added by someone else in the meantime
        raise AccountRefused([("email", f"There is already a user {clean['email']}.")]) from None
    user.display_name = default_display_name(user.id)  # the id exists only once the row does
    session.flush()
    return user


def rename_user(*, session: Session, user: User, display_name: str) -> User:
    """Set the name the public sees on this user's revisions; AccountRefused names the field."""
    try:
        name = rules.clean_display_name(display_name)
    except ValueError as error:
        raise AccountRefused([("display_name", str(error))]) from None
    user.display_name = name
    session.flush()
    return user


def get_user(*, session: Session, user_id: int) -> User:
    """The user with this id, or UserNotFound."""
    user = repository.get_user(session, user_id)
    if user is None:
        raise UserNotFound(str(user_id))
    return user


def user_by_email(*, session: Session, email: str) -> User:
    """The user with this address (any case), or UserNotFound."""
    user = repository.user_by_email(session, rules.email_key(email))
    if user is None:
        raise UserNotFound(email.strip())
    return user


def list_users(*, session: Session) -> Sequence[User]:
    """Every user, active ones first."""
    return repository.list_users(session)


@dataclass(frozen=True, slots=True)
class Disabled:
    user: User
    already: bool
    sessions_revoked: int
    tokens_revoked: int


def disable_user(*, session: Session, user: User, by: User | None = None) -> Disabled:
    """Disable a user and revoke their sessions and API tokens; the row stays, so revisions still name them."""
    if by is not None and by.id == user.id:
        raise AccountRefused(
            [("user", "You can't disable your own account here; ask another admin, or use the command line.")]
        )
    now = utcnow()
    already = user.disabled_at is not None
    if not already:
        user.disabled_at = now
    sessions = repository.revoke_user_sessions(session, user.id, now)
    tokens = repository.revoke_user_tokens(session, user.id, now)
    session.flush()
    return Disabled(user, already, sessions, tokens)


# Signing in


@dataclass(frozen=True, slots=True)
class LoginTicket:
    """An attempt already recorded as a failure, and what is needed to check its password."""

    attempt_id: int
    user_id: int | None
    password_hash: str | None
    active: bool


def _address(address: str | None) -> str:
    return (address or "unknown")[:ADDRESS_MAX_LENGTH]


def begin_login(*, session: Session, email: str, address: str | None, now: datetime | None = None) -> LoginTicket:
    """Refuse when throttled (LoginThrottled, nothing written); otherwise record the attempt as a failure."""
    now = now or utcnow()
    key = rules.email_key(email)
    address = _address(address)
    since = now - LOGIN_WINDOW
    # A success resets the account's count (only the password's owner can produce one); not the address's.
    last_success = repository.last_success_at(session, key)
    account_since = max(since, last_success) if last_success else since
    blocked_until = [
        moment + LOGIN_WINDOW
        for moment in (
            repository.nth_latest_failure(session, since=account_since, n=LOGIN_MAX_FAILURES, email_key=key),
            repository.nth_latest_failure(session, since=since, n=LOGIN_MAX_FAILURES, address=address),
        )
        if moment is not None
    ]
    if blocked_until:
        raise LoginThrottled(max(blocked_until) - now)
    attempt = LoginAttempt(email_key=key, address=address, attempted_at=now, succeeded=False)
    session.add(attempt)
    user = repository.user_by_email(session, key)
    session.flush()
    if user is None:
        return LoginTicket(attempt.id, None, None, False)
    return LoginTicket(attempt.id, user.id, user.password_hash, user.is_active)


@dataclass(frozen=True, slots=True)
class PasswordVerdict:
    ok: bool
    new_hash: str | None = None


def check_password(*, ticket: LoginTicket, password: str) -> PasswordVerdict:
    """Check the password outside any transaction; as slow for unknown accounts as for known ones."""
    if len(password) > rules.PASSWORD_MAX_LENGTH or ticket.password_hash is None:
        passwords.spend_verification_time(password[: rules.PASSWORD_MAX_LENGTH])
        return PasswordVerdict(False)
    ok, new_hash = passwords.verify_password(password, ticket.password_hash)
    return PasswordVerdict(ok and ticket.active, new_hash if ok else None)


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # for the cookie; never stored
    record: UserSession


def complete_login(
    *, session: Session, ticket: LoginTicket, verdict: PasswordVerdict, max_age: timedelta, replaces: str | None = None
) -> NewSession | None:
    """After a matching password: mark the attempt a success and open a session (None: the user was disabled since)."""
    if not verdict.ok or ticket.user_id is None:
        return None
    user = repository.get_user(session, ticket.user_id)
    if user is None or not user.is_active:
        return None
    repository.mark_attempt_succeeded(session, ticket.attempt_id)
    if verdict.new_hash:
        user.password_hash = verdict.new_hash
    if replaces:
        repository.revoke_session(session, replaces, utcnow())
    return start_session(session=session, user=user, max_age=max_age)


# Sessions


def start_session(*, session: Session, user: User, max_age: timedelta) -> NewSession:
    """A new session with a fresh random token; only its SHA-256 is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = UserSession(
        id=rules.digest(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + max_age,
    )
    record.user = user
    session.add(record)
    session.flush()
    return NewSession(token, record)


def find_session(*, session: Session, token: str, now: datetime | None = None) -> UserSession | None:
    """The live session a cookie names, with its user; None when revoked, expired or unknown."""
    if not token or len(token) > 200:
        return None
    return repository.live_session(session, rules.digest(token), now or utcnow())


def touch_session(*, session: Session, session_id: str, max_age: timedelta, now: datetime | None = None) -> bool:
    """Slide a live session's expiry to `max_age` from now; False if it was revoked or touched meanwhile."""
    now = now or utcnow()
    return repository.touch_session(
        session, session_id, now=now, expires_at=now + max_age, seen_before=now - rules.TOUCH_EVERY
    )


def end_session(*, session: Session, session_id: str) -> bool:
    """Revoke one session (signing out); False if it was not open."""
    return repository.revoke_session(session, session_id, utcnow())


def count_live_sessions(*, session: Session, user: User) -> int:
    """How many browsers the user is signed in on."""
    return repository.count_live_sessions(session, user.id, utcnow())


# API tokens


@dataclass(frozen=True, slots=True)
class NewToken:
    token: str  # shown once; never stored
    record: ApiToken


def create_token(*, session: Session, user: User, name: str) -> NewToken:
    """A new personal API token; only its SHA-256 and its first characters are stored."""
    try:
        clean_name = rules.clean_token_name(name)
    except ValueError as error:
        raise AccountRefused([("name", str(error))]) from None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user_id=user.id, name=clean_name, token_hash=rules.digest(token), prefix=token[:TOKEN_DISPLAY_LENGTH]
    )
    session.add(record)
    session.flush()
    return NewToken(token, record)


def list_tokens(*, session: Session, user: User) -> Sequence[ApiToken]:
    """A user's tokens, live ones first."""
    return repository.user_tokens(session, user.id)


def revoke_token(*, session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (revoking twice is harmless); TokenNotFound for anyone else's."""
    record = repository.user_token(session, user.id, token_id)
    if record is None:
        raise TokenNotFound()
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.flush()
    return record


def find_token(*, session: Session, token: str) -> ApiToken | None:
    """The live token a Bearer header carries, with its user; None when revoked or unknown."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return repository.live_token(session, rules.digest(token))


def touch_token(*, session: Session, token_id: int, now: datetime | None = None) -> bool:
    """Record that a token was used."""
    now = now or utcnow()
    return repository.touch_token(session, token_id, now=now, used_before=now - rules.TOUCH_EVERY)
