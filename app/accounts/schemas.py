"""The accounts forms as they arrive; the service checks the values and says what is wrong with each.

Fields default to empty so that a missing field gets the service's friendly message beside it,
not a generic validation page; unknown fields are refused. Every form carries `csrf_token`,
checked by app.deps.csrf_protect before the route runs.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CsrfForm(BaseModel):
    """The base of every HTML form model: unknown fields are refused, and the CSRF token is allowed."""

    model_config = ConfigDict(extra="forbid")

    csrf_token: str = ""


class LoginForm(CsrfForm):
    email: str = ""
    password: str = ""
    next: str = ""


class NewUserForm(CsrfForm):
    email: str = ""
    role: str = ""
    password: str = ""
    password_confirm: str = ""


class NewTokenForm(CsrfForm):
    name: str = ""


class DisplayNameForm(CsrfForm):
    display_name: str = ""


class ActionForm(CsrfForm):
    """A button that changes one thing (sign out, revoke, disable): nothing but the token."""
