"""Signing in and out, the account page with its API tokens, and the admins' user list.

These pages show a person's own data and secrets, so they are never cached (no-store) and never
answered 304: a token created a moment ago must not hide behind an old ETag.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from app.accounts import cookies
from app.accounts import service as accounts_service
from app.accounts.models import Role, User
from app.accounts.schemas import ActionForm, DisplayNameForm, LoginForm, NewTokenForm, NewUserForm
from app.deps import AdminUser, EditorUser, RowId, SessionDep, Viewer, Writer, WriteSession
from app.web import csrf
from app.web.htmx import is_htmx, redirect

router = APIRouter(tags=["accounts"], include_in_schema=False)

BAD_CREDENTIALS = "That email address and password don't match. Check both and try again."
MISSING_CREDENTIALS = "Enter your email address and your password."
NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie"}
_NEXT_MAX_LENGTH = 2048


def safe_next(value: str | None) -> str | None:
    """A path on this site to go to after signing in, or None: never another site, never a loop back to /login."""
    if not value or len(value) > _NEXT_MAX_LENGTH:
        return None
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout"):
        return None
    return value


def _max_age(request: Request) -> timedelta:
    return timedelta(days=request.app.state.settings.session_max_age_days)


def _page(
    request: Request, template: str, *, status: int = 200, headers: dict[str, str] | None = None, **values: Any
) -> HTMLResponse:
    """A page for the signed-in person (or the sign-in form), with the context base.html expects."""
    context = {
        "request": request,
        "htmx": is_htmx(request),
        "viewer": request.state.viewer,
        "csrf_token": request.state.csrf_token,
        **values,
    }
    html = request.app.state.templates.get_template(template).render(context)
    return HTMLResponse(html, status_code=status, headers={**NO_STORE, **(headers or {})})


def _login_page(
    request: Request,
    *,
    next_path: str,
    email: str = "",
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    # Signed in already (switching accounts): the session's token. Otherwise the signed double-submit token.
    form_token, new_cookie = (
        (request.state.csrf_token, False) if request.state.csrf_token else csrf.anonymous_token(request)
    )
    response = _page(
        request,
        "accounts/login.html",
        status=status,
        headers=headers,
        nav="login",
        form_token=form_token,
        next=next_path,
        email=email,
        error=error,
        notice=notice,
    )
    if new_cookie:
        response.set_cookie(
            csrf.ANONYMOUS_COOKIE,
            form_token,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.scope.get("scheme") == "https",
        )
    return response


@router.get("/login")
def login_page(
    request: Request,
    viewer: Viewer,
    next_path: Annotated[str, Query(alias="next")] = "",
    signed_out: Annotated[str, Query()] = "",
) -> HTMLResponse:
    notice = "You have signed out." if signed_out and viewer is None else None
    return _login_page(request, next_path=safe_next(next_path) or "", notice=notice)


@router.post("/login")
async def login(request: Request, viewer: Viewer, form: Annotated[LoginForm, Form()], writer: Writer) -> Response:
    next_path = safe_next(form.next) or ""
    if not form.email.strip() or not form.password:
        return _login_page(request, next_path=next_path, email=form.email, error=MISSING_CREDENTIALS, status=422)
    address = request.client.host if request.client else None
    try:
        ticket = await writer.run(accounts_service.begin_login, email=form.email, address=address)
    except accounts_service.LoginThrottled as throttled:
        return _login_page(
            request,
            next_path=next_path,
            email=form.email,
            error=throttled.message,
            status=429,
            headers=throttled.headers,
        )
    # The password is checked between the two writes: argon2 is slow, and writers must not wait on it.
    verdict = await run_in_threadpool(accounts_service.check_password, ticket=ticket, password=form.password)
    started = None
    if verdict.ok:
        started = await writer.run(
            accounts_service.complete_login,
            ticket=ticket,
            verdict=verdict,
            max_age=_max_age(request),
            replaces=request.state.session_id,
        )
    if started is None:
        return _login_page(request, next_path=next_path, email=form.email, error=BAD_CREDENTIALS, status=422)
    response = redirect(request, next_path or "/")
    cookies.set_session_cookie(response, request.scope, started.token, _max_age(request))
    return response


@router.post("/logout")
def logout(request: Request, viewer: Viewer, form: Annotated[ActionForm, Form()], session: WriteSession) -> Response:
    if request.state.session_id:
        accounts_service.end_session(session=session, session_id=request.state.session_id)
    response = redirect(request, "/login?signed_out=1")
    cookies.clear_session_cookie(response, request.scope)
    return response


# The account page and API tokens


def _account_page(
    request: Request,
    user: User,
    tokens: Any,
    *,
    status: int = 200,
    new_token: str | None = None,
    name: str = "",
    display_name: str | None = None,
    notice: str | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return _page(
        request,
        "accounts/account.html",
        status=status,
        nav="account",
        user=user,
        tokens=tokens,
        new_token=new_token,
        name=name,
        display_name=user.public_name if display_name is None else display_name,
        notice=notice,
        errors=errors or {},
    )


@router.get("/account")
def account_page(request: Request, user: EditorUser, session: SessionDep, renamed: int | None = None) -> HTMLResponse:
    notice = f"Saved: your changes now show as by {user.public_name}." if renamed else None
    return _account_page(request, user, accounts_service.list_tokens(session=session, user=user), notice=notice)


@router.post("/account/name")
def rename(
    request: Request, user: EditorUser, form: Annotated[DisplayNameForm, Form()], session: WriteSession
) -> Response:
    try:
        accounts_service.rename_user(
            session=session,
            user=accounts_service.get_user(session=session, user_id=user.id),
            display_name=form.display_name,
        )
    except accounts_service.AccountRefused as refused:
        tokens = accounts_service.list_tokens(session=session, user=user)
        return _account_page(
            request, user, tokens, status=422, display_name=form.display_name, errors=_messages(refused)
        )
    return redirect(request, "/account?renamed=1")


@router.post("/account/tokens")
def create_token(
    request: Request, user: EditorUser, form: Annotated[NewTokenForm, Form()], session: WriteSession
) -> HTMLResponse:
    try:
        created = accounts_service.create_token(session=session, user=user, name=form.name)
    except accounts_service.AccountRefused as refused:
        tokens = accounts_service.list_tokens(session=session, user=user)
        return _account_page(request, user, tokens, status=422, name=form.name, errors=_messages(refused))
    tokens = accounts_service.list_tokens(session=session, user=user)
    # Shown this once: only its hash is kept. No redirect, so the page is the only place it appears.
    return _account_page(request, user, tokens, status=201, new_token=created.token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, user: EditorUser, token_id: RowId, form: Annotated[ActionForm, Form()], session: WriteSession
) -> Response:
    accounts_service.revoke_token(session=session, user=user, token_id=token_id)
    return redirect(request, "/account")


def _messages(refused: accounts_service.AccountRefused) -> dict[str, str]:
    return {error.field: error.message for error in refused.errors}


# Admins: users


def _users_page(
    request: Request,
    admin: User,
    users: Any,
    *,
    status: int = 200,
    notice: str | None = None,
    error: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return _page(
        request,
        "accounts/users.html",
        status=status,
        nav="users",
        admin=admin,
        users=users,
        roles=list(Role),
        notice=notice,
        error=error,
        values=values or {"email": "", "role": Role.EDITOR.value},
        errors=errors or {},
    )


@router.get("/admin/users")
def users_page(
    request: Request, admin: AdminUser, session: SessionDep, added: int | None = None, disabled: int | None = None
) -> HTMLResponse:
    users = accounts_service.list_users(session=session)
    by_id = {user.id: user for user in users}
    notice = None
    if added in by_id:
        notice = f"Added {by_id[added].email} as {by_id[added].role.value}."
    if disabled in by_id:
        notice = f"Disabled {by_id[disabled].email}; their sessions and API tokens were revoked."
    return _users_page(request, admin, users, notice=notice)


@router.post("/admin/users")
def add_user(
    request: Request, admin: AdminUser, form: Annotated[NewUserForm, Form()], session: WriteSession
) -> Response:
    try:
        user = accounts_service.add_user(
            session=session,
            email=form.email,
            password=form.password,
            role=form.role,
            password_confirm=form.password_confirm,
        )
    except accounts_service.AccountRefused as refused:
        users = accounts_service.list_users(session=session)
        values = {"email": form.email, "role": form.role}
        return _users_page(request, admin, users, status=422, values=values, errors=_messages(refused))
    return redirect(request, f"/admin/users?added={user.id}")


@router.post("/admin/users/{user_id}/disable")
def disable_user(
    request: Request, admin: AdminUser, user_id: RowId, form: Annotated[ActionForm, Form()], session: WriteSession
) -> Response:
    target = accounts_service.get_user(session=session, user_id=user_id)
    try:
        accounts_service.disable_user(session=session, user=target, by=admin)
    except accounts_service.AccountRefused as refused:
        users = accounts_service.list_users(session=session)
        return _users_page(request, admin, users, status=403, error=refused.errors[0].message)
    return redirect(request, f"/admin/users?disabled={user_id}")
