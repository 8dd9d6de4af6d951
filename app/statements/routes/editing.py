"""Adding, correcting, retracting and restoring statements through the HTML forms.

Editors add (/statements/new), edit and retract; admins also restore earlier versions. Every
form page is the signed-in editor's own (it carries a one-time submission key or the version it
started from), so it is never cached. With HTMX the form swaps itself in place; without
JavaScript every button still works by posting the whole form. See app/statements/forms.py for
how a form becomes a record, and app/statements/writing.py for what saving does.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.actors import service as actors_service
from app.countries import repository as countries_repository
from app.db import MAX_INTEGER
from app.deps import AdminUser, EditorUser, RowId, SessionDep, WriteSession
from app.errors import FieldError, Refused, VersionConflict
from app.revisions import diff
from app.revisions import repository as revisions_repository
from app.sources.models import Source
from app.statements import checking, forms, lookups, repository, rules, writing
from app.statements.cards import StatementCard
from app.statements.records import statement_record
from app.statements.schemas import ActorQuery, CheckForm, EditForm, RestoreForm, RetractForm, StatementForm
from app.text import clean_text
from app.topics import repository as topics_repository
from app.web.htmx import is_htmx, redirect
from app.web.pages import private_html

router = APIRouter(tags=["editing"], include_in_schema=False)

VIA = "form"
NOTE_MAX_LENGTH = 1000
SUBMISSION_KEY_MAX_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Review:
    """A submitted form, checked: its messages by form field, and what saving it would write."""

    state: forms.FormState
    errors: dict[str, str]
    checked: checking.Checked
    reused: dict[int, Source]  # rows whose source is already recorded

    @property
    def duplicates(self) -> list[StatementCard]:
        return self.checked.duplicates

    @property
    def ready(self) -> bool:
        return not self.errors and self.checked.ready


def _review(
    session: Session,
    state: forms.FormState,
    *,
    keep: dict[str, Any] | None = None,
    exclude_id: int | None = None,
    submission_key: str | None = None,
    look_for_duplicates: bool = True,
) -> Review:
    """The form as a record, checked by the same rules as the import and the API."""
    known = lookups.known_sources(session=session, state=state)
    raw, rows = forms.to_record(state, keep=keep)
    checked = checking.check(
        session=session,
        values=raw,
        exclude_id=exclude_id,
        exclude_submission_key=submission_key,
        look_for_duplicates=look_for_duplicates,
        looked_up_sources=known.looked_up,
    )
    return Review(state, forms.messages(checked.errors, rows), checked, known.by_row)


# ---- Rendering the form


def _form_values(session: Session, state: forms.FormState, **values: Any) -> dict[str, Any]:
    """What _form.html needs besides the page's own values."""
    return {
        "state": state,
        "errors": {},
        "duplicates": [],
        "reused": {},
        "suggestions": None,
        "actor_note": lookups.actor_note(session=session, typed=state.values["actor"]),
        "topics": topics_repository.all_topics(session),
        "countries": countries_repository.all_countries(session),
        "label": forms.label,
        "rank_meanings": forms.RANK_MEANINGS,
        "conflict": None,
        "prefilled": False,
        **values,
    }


def _new_page(
    request: Request, session: Session, state: forms.FormState, *, submission_key: str, status: int = 200, **values: Any
) -> HTMLResponse:
    template = "statements/_form.html" if is_htmx(request) else "statements/new.html"
    return private_html(
        request,
        template,
        status=status,
        nav="new",
        **_form_values(session, state, mode="new", action="/statements/new", submission_key=submission_key, **values),
    )


def _edit_page(
    request: Request,
    session: Session,
    statement_id: int,
    state: forms.FormState,
    *,
    version: int,
    note: str = "",
    status: int = 200,
    retract: dict[str, Any] | None = None,
    fragment: bool | None = None,
    **values: Any,
) -> HTMLResponse:
    found = repository.cards(session, [statement_id])
    if not found:
        raise writing.StatementNotFound(statement_id)
    fragment = is_htmx(request) if fragment is None else fragment
    return private_html(
        request,
        "statements/_form.html" if fragment else "statements/edit.html",
        status=status,
        nav="statements",
        **_form_values(
            session,
            state,
            mode="edit",
            action=f"/statements/{statement_id}/edit",
            version=version,
            note=note,
            s=found[0],
            retract=retract or {"reason": "", "errors": {}},
            **values,
        ),
    )


def _changes_form(session: Session, form: StatementForm, state: forms.FormState) -> dict[str, Any] | None:
    """For the buttons that change the form rather than save it: what to show with it; None to save."""
    if form.pick_actor:
        lookups.pick_actor(session=session, state=state, slug=form.pick_actor)
        return {}
    if form.find_actor:
        state.focus = "actor-suggestions"
        return {"suggestions": actors_service.suggest(session=session, typed=state.values["actor"])}
    if form.add_source or form.remove_source:
        return {}
    if form.prefill:  # from a candidate the article reader found: the editor checks it and chooses the stance
        state.focus = "stance"
        return {"prefilled": True}
    return None


# ---- Adding


@router.get("/statements/new")
def new_statement_page(request: Request, user: EditorUser, session: SessionDep) -> HTMLResponse:
    return _new_page(request, session, forms.blank(), submission_key=secrets.token_urlsafe(24))


def _stored_key(raw: str, user: User) -> str | None:
    """The submission key as stored (hashed, scoped to the user); None when the form has none."""
    raw = raw.strip()
    if not raw:
        return None
    if len(raw) > SUBMISSION_KEY_MAX_LENGTH:
        raise Refused(FieldError("submission_key", "this form is damaged; reload the page"))
    return rules.submission_key(via=VIA, user_id=user.id, key=raw)


@router.post("/statements/new")
def create_statement(
    request: Request, user: EditorUser, form: Annotated[StatementForm, Form()], session: WriteSession
) -> Response:
    state = forms.from_form(form)
    shown = _changes_form(session, form, state)
    if shown is not None:
        return _new_page(request, session, state, submission_key=form.submission_key, **shown)
    key = _stored_key(form.submission_key, user)
    earlier = writing.earlier_submission(session=session, submission_key=key)
    if earlier is not None:  # a double click, a retry, or back and submit again
        return redirect(request, f"/statements/{earlier.id}?saved=again")
    review = _review(session, state, submission_key=key, look_for_duplicates=not form.confirm_duplicate)
    if not review.ready or review.checked.prepared is None:
        status = 422 if review.errors else 200
        return _new_page(
            request,
            session,
            state,
            submission_key=form.submission_key,
            status=status,
            errors=review.errors,
            duplicates=review.duplicates,
            reused=review.reused,
        )
    statement = writing.create(
        session=session, prepared=review.checked.prepared, via=VIA, user_id=user.id, submission_key=key
    )
    session.commit()  # here, in the route's thread: the unit of work then has nothing left to send (app.db)
    return redirect(request, f"/statements/{statement.id}?saved=new")


# ---- Checking as fields change, and finding actors as their name is typed


@router.post("/statements/form/check")
def check_fields(
    request: Request, user: EditorUser, session: SessionDep, form: Annotated[CheckForm, Form()]
) -> HTMLResponse:
    """The messages of the field that changed and the fields that depend on it (as out-of-band swaps)."""
    state = forms.from_form(form)
    review = _review(session, state, look_for_duplicates=False)
    fields = forms.related(form.check)
    notes = {}
    for name in fields:
        if name.endswith("-url"):
            row = int(name.split("-")[1])
            notes[name] = review.reused.get(row)
    return private_html(
        request,
        "statements/_check.html",
        fields=fields,
        errors=review.errors,
        notes=notes,
        state=state,
        rank_meanings=forms.RANK_MEANINGS,
        check=form.check,
    )


@router.get("/statements/form/actors")
def actor_suggestions(
    request: Request, user: EditorUser, session: SessionDep, query: Annotated[ActorQuery, Query()]
) -> HTMLResponse:
    """Actors whose name or alias has words starting with the words typed, and who the name is now."""
    typed = query.actor
    return private_html(
        request,
        "statements/_actor_suggestions.html",
        oob=True,
        suggestions=actors_service.suggest(session=session, typed=typed),
        actor_note=lookups.actor_note(session=session, typed=typed),
        typed=typed,
    )


# ---- Editing


def _current(session: Session, statement_id: int) -> dict[str, Any]:
    statement = repository.get_full(session, statement_id)
    if statement is None:
        raise writing.StatementNotFound(statement_id)
    return statement_record(statement) | {"version": statement.version}


def _version(raw: str) -> int:
    if not raw.strip().isdigit() or int(raw) > MAX_INTEGER:
        raise Refused(FieldError("version", "this form is damaged (it has no version); reload the page"))
    return int(raw)


@router.get("/statements/{statement_id}/edit")
def edit_statement_page(request: Request, user: EditorUser, session: SessionDep, statement_id: RowId) -> HTMLResponse:
    current = _current(session, statement_id)
    return _edit_page(request, session, statement_id, forms.from_record(current), version=current["version"])


def _conflict(session: Session, conflict: VersionConflict) -> dict[str, Any]:
    """What the other editors changed since the version this editor started from."""
    history = revisions_repository.for_statement_with_authors(session, conflict.statement_id)
    started = next((json.loads(r.after) for r, _ in history if r.version == conflict.expected_version), None)
    return {
        "started_version": conflict.expected_version,
        "current_version": conflict.current_version,
        "changes": diff.changes(started, conflict.current_record) if started is not None else None,
        "revisions": [(r, author) for r, author in history if r.version > (conflict.expected_version or 0)],
        "retracting": False,
    }


@router.post("/statements/{statement_id}/edit")
def edit_statement(
    request: Request, user: EditorUser, statement_id: RowId, form: Annotated[EditForm, Form()], session: WriteSession
) -> Response:
    current = _current(session, statement_id)
    version = _version(form.version)
    state = forms.from_form(form)
    shown = _changes_form(session, form, state)
    if shown is not None:
        return _edit_page(request, session, statement_id, state, version=version, note=form.note, **shown)
    keep = {"status": current["status"], "retraction_reason": current["retraction_reason"]}
    review = _review(session, state, keep=keep, exclude_id=statement_id, look_for_duplicates=not form.confirm_duplicate)
    errors = dict(review.errors)
    try:
        note = clean_text(form.note, max_length=NOTE_MAX_LENGTH, multiline=False) if form.note.strip() else None
    except ValueError as error:
        errors["note"] = f"{forms.label('note')}: {error}"
    if errors or not review.ready or review.checked.prepared is None:
        return _edit_page(
            request,
            session,
            statement_id,
            state,
            version=version,
            note=form.note,
            status=422 if errors else 200,
            errors=errors,
            duplicates=review.duplicates,
            reused=review.reused,
        )
    try:
        statement = writing.edit(
            session=session,
            statement_id=statement_id,
            prepared=review.checked.prepared,
            expected_version=version,
            via=VIA,
            user_id=user.id,
            note=note,
        )
    except VersionConflict as conflict:
        # Nothing was written. Their words stay in the form, now based on the current version.
        return _edit_page(
            request,
            session,
            statement_id,
            state,
            version=conflict.current_version,
            note=form.note,
            status=409,
            conflict=_conflict(session, conflict),
            reused=review.reused,
        )
    changed = statement.version != version
    return redirect(request, f"/statements/{statement_id}?saved={'edited' if changed else 'unchanged'}")


# ---- Retracting and restoring


@router.post("/statements/{statement_id}/retract")
def retract_statement(
    request: Request, user: EditorUser, statement_id: RowId, form: Annotated[RetractForm, Form()], session: WriteSession
) -> Response:
    current = _current(session, statement_id)
    version = _version(form.version)
    try:
        writing.retract(
            session=session,
            statement_id=statement_id,
            reason=form.reason,
            expected_version=version,
            via=VIA,
            user_id=user.id,
        )
    except VersionConflict as conflict:
        return _edit_page(
            request,
            session,
            statement_id,
            forms.from_record(conflict.current_record),
            version=conflict.current_version,
            status=409,
            retract={"reason": form.reason, "errors": {}},
            fragment=False,
            conflict=_conflict(session, conflict) | {"retracting": True},
        )
    except Refused as refused:  # the reason: shown beside its box
        messages = {e.field: f"{forms.label(e.field)}: {e.message}" for e in refused.errors}
        return _edit_page(
            request,
            session,
            statement_id,
            forms.from_record(current),
            version=current["version"],
            status=422,
            retract={"reason": form.reason, "errors": messages},
            fragment=False,
        )
    return redirect(request, f"/statements/{statement_id}?saved=retracted")


@router.post("/statements/{statement_id}/restore")
def restore_version(
    request: Request, admin: AdminUser, statement_id: RowId, form: Annotated[RestoreForm, Form()], session: WriteSession
) -> Response:
    expected = _version(form.current_version)
    statement = writing.restore(
        session=session,
        statement_id=statement_id,
        version=_version(form.version),
        expected_version=expected,
        via=VIA,
        user_id=admin.id,
    )
    changed = statement.version != expected
    return redirect(request, f"/statements/{statement_id}?saved={'restored' if changed else 'unchanged'}#history")
