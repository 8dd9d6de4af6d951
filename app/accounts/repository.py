"""Every query on users, sessions, API tokens and login attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import ApiToken, LoginAttempt, User, UserSession
from app.perf.driver import DriverRead, copy_of

# Users


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this (already lower-cased) address."""
    return session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def list_users(session: Session) -> Sequence[User]:
    """Every user, active ones first, then by address."""
    return session.execute(select(User).order_by(User.disabled_at.is_not(None), User.email)).scalars().all()


# Sessions


_SESSIONS, _USERS = UserSession.__table__, User.__table__
# Every signed-in request reads it: through DriverRead about a sixth of the ORM's joined load.
_LIVE_SESSION = DriverRead(
    select(*_SESSIONS.c, *(column.label(f"user__{column.name}") for column in _USERS.c))
    .select_from(_SESSIONS.join(_USERS, _USERS.c.id == _SESSIONS.c.user_id))
    .where(
        _SESSIONS.c.id == bindparam("session_id"),
        _SESSIONS.c.revoked_at.is_(None),
        _SESSIONS.c.expires_at > bindparam("now"),
    ),
    typed=True,
)


def live_session(session: Session, session_id: str, now: datetime) -> UserSession | None:
    """A session that is neither revoked nor expired, with its user: transient copies, not in the session.

    The request reads them (who is signed in, the CSRF token); a write reloads the user it changes.
    """
    rows = _LIVE_SESSION.fetchall(session, {"session_id": session_id, "now": now})
    if not rows:
        return None
    row = rows[0]  # the session's columns, then its user's
    return copy_of(UserSession, row, user=copy_of(User, row, len(_SESSIONS.c)))


def touch_session(
    session: Session, session_id: str, *, now: datetime, expires_at: datetime, seen_before: datetime
) -> bool:
    """Slide a live session's expiry, unless another request already did within the throttle."""
    result = session.execute(
        update(UserSession)
        .where(
            UserSession.id == session_id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
            UserSession.last_seen_at < seen_before,
        )
        .values(last_seen_at=now, expires_at=expires_at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_session(session: Session, session_id: str, now: datetime) -> bool:
    result = session.execute(
        update(UserSession).where(UserSession.id == session_id, UserSession.revoked_at.is_(None)).values(revoked_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_user_sessions(session: Session, user_id: int, now: datetime) -> int:
    """Revoke every session of a user still open; how many there were."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def count_live_sessions(session: Session, user_id: int, now: datetime) -> int:
    return session.execute(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None), UserSession.expires_at > now)
    ).scalar_one()


# API tokens


def live_token(session: Session, token_hash: str) -> ApiToken | None:
    """An unrevoked token with this hash, with its user loaded."""
    query = (
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None))
    )
    return session.execute(query).scalar_one_or_none()


def user_tokens(session: Session, user_id: int) -> Sequence[ApiToken]:
    """A user's tokens, live ones first, newest first."""
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == user_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return session.execute(query).scalars().all()


def user_token(session: Session, user_id: int, token_id: int) -> ApiToken | None:
    """One of this user's tokens (None for someone else's)."""
    return session.execute(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
    ).scalar_one_or_none()


def touch_token(session: Session, token_id: int, *, now: datetime, used_before: datetime) -> bool:
    result = session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            ApiToken.revoked_at.is_(None),
            (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < used_before),
        )
        .values(last_used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_user_tokens(session: Session, user_id: int, now: datetime) -> int:
    """Revoke every live token of a user; how many there were."""
    result = session.execute(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# Login attempts


def nth_latest_failure(
    session: Session, *, since: datetime, n: int, email_key: str | None = None, address: str | None = None
) -> datetime | None:
    """When the n-th most recent failed attempt since `since` happened, for an account or an address."""
    query = select(LoginAttempt.attempted_at).where(
        LoginAttempt.attempted_at > since, LoginAttempt.succeeded.is_(False)
    )
    if email_key is not None:
        query = query.where(LoginAttempt.email_key == email_key)
    if address is not None:
        query = query.where(LoginAttempt.address == address)
    query = query.order_by(LoginAttempt.attempted_at.desc()).offset(n - 1).limit(1)
    return session.execute(query).scalar_one_or_none()


def last_success_at(session: Session, email_key: str) -> datetime | None:
    return session.execute(
        select(func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.email_key == email_key, LoginAttempt.succeeded.is_(True)
        )
    ).scalar_one()


def mark_attempt_succeeded(session: Session, attempt_id: int) -> None:
    session.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(succeeded=True))
