"""Recording activity after a request succeeds: sliding a session's expiry, and an API token's last use.

Both are bookkeeping that must not make a refused request write anything, so they wait until the
response's status is known: only answers below 400 record activity. Each writes at most once a
minute per session or token (see rules.TOUCH_EVERY), so reads stay reads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.accounts import cookies
from app.accounts import service as accounts_service
from app.db import Database

log = logging.getLogger("intercept_watch")


@dataclass(frozen=True, slots=True)
class SessionTouch:
    """A session whose expiry this request slides if it succeeds, and the cookie token to renew."""

    session_id: str
    token: str


def _record(session: Session, session_id: str | None, token_id: int | None, max_age: timedelta) -> bool:
    """Write the touches; whether the session's expiry moved."""
    moved = session_id is not None and accounts_service.touch_session(
        session=session, session_id=session_id, max_age=max_age
    )
    if token_id is not None:
        accounts_service.touch_token(session=session, token_id=token_id)
    return moved


class ActivityMiddleware:
    """Pure ASGI: on a successful response, records the activity the auth dependencies noted."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                state = scope.get("state") or {}
                touch = state.get("session_touch")
                token_id = state.get("api_token_touch")
                if (touch or token_id) and message["status"] < 400:
                    await self._record(scope, message, touch, token_id)
            await send(message)

        await self.app(scope, receive, send_recording)

    async def _record(self, scope: Scope, message: Message, touch: SessionTouch | None, token_id: int | None) -> None:
        app_state = scope["app"].state
        max_age = timedelta(days=app_state.settings.session_max_age_days)
        headers = list(message.get("headers", []))
        if touch is not None and cookies.sets_session_cookie(headers):
            touch = None  # signing in or out sets the cookie itself
        if touch is None and token_id is None:
            return
        session_id = touch.session_id if touch is not None else None
        try:
            database: Database = app_state.db
            async with database.unit_of_work() as session:
                moved = await run_in_threadpool(_record, session, session_id, token_id, max_age)
        except Exception:  # bookkeeping never turns an answer into an error
            log.exception("recording session or token activity failed")
            return
        if moved and touch is not None:
            headers.append(cookies.session_cookie_header(scope, touch.token, max_age))
            message["headers"] = headers
