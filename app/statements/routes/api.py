"""The JSON write API: one statement per request, in the interchange format, with a personal API token.

`POST /api/statements` adds a statement; `PATCH /api/statements/{id}` changes one. The same rules,
messages and revisions as the forms and the import apply. Bodies are read here rather than by
FastAPI, so that every refusal lists every bad field in the interchange format's own words, and
before the unit of work begins, so a slow client never holds the writers' turn.
"""

from __future__ import annotations

import copy
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.deps import ApiUser, RowId, WriteSession
from app.errors import FieldError, ProblemOut, Refused, VersionConflict
from app.statements import checking, repository, rules, writing
from app.statements.cards import StatementCard
from app.statements.models import Statement
from app.statements.records import StatementRecord, statement_record
from app.statements.schemas import ConflictOut, StatementOut, StatementWritten

router = APIRouter(prefix="/api/statements", tags=["write API"])

VIA = "api"
IDEMPOTENCY_KEY_MAX_LENGTH = 200
# A PATCH that names a new actor or office without these lets them be found afresh.
_FOLLOWS = {"actor": ("country", "office", "office_rank", "actor_kind"), "office": ("office_rank",)}
_NOT_PATCHED = ("status", "retraction_reason")


def _inline_refs(schema: dict[str, Any]) -> Any:
    """A JSON schema with its $defs written in place, so it can stand inside the OpenAPI document."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(copy.deepcopy(defs[ref.removeprefix("#/$defs/")]))
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(schema)


def _record_schema() -> dict[str, Any]:
    schema: dict[str, Any] = _inline_refs(StatementRecord.model_json_schema())
    return schema


def _patch_schema() -> dict[str, Any]:
    schema = _record_schema()
    schema["title"] = "StatementPatch"
    schema["description"] = (
        "The fields to change, in the interchange format, and the `version` being changed. Fields left out keep "
        "their value; null clears an optional one; `sources` replaces the whole list."
    )
    schema["properties"] = {"version": {"type": "integer", "minimum": 1, "title": "Version"}, **schema["properties"]}
    schema["required"] = ["version"]
    return schema


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": ProblemOut, "description": "No API token, or one that was revoked."},
    403: {"model": ProblemOut, "description": "The token's user is disabled."},
    422: {"model": ProblemOut, "description": "Bad fields, each with its message; nothing was written."},
}


async def json_object(request: Request) -> dict[str, Any]:
    """The request's body: one JSON object."""
    raw = await request.body()
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise Refused(FieldError("body", f"is not valid JSON ({error})")) from None
    if not isinstance(body, dict):
        raise Refused(FieldError("body", "must be a JSON object holding one statement's fields"))
    return body


JsonObject = Annotated[dict[str, Any], Depends(json_object)]


def _written(
    statement: Statement | StatementCard, *, created: bool, checked: checking.Checked | None = None
) -> StatementWritten:
    reused = [source.url or source.key for source in checked.reused_sources.values()] if checked else []
    duplicates = [card.id for card in checked.duplicates] if checked else []
    return StatementWritten(
        statement=StatementOut.of(statement),
        created=created,
        reused_sources=[name for name in reused if name],
        possible_duplicates=[f"/statements/{statement_id}" for statement_id in duplicates],
    )


def _answer(written: StatementWritten, status: int) -> Response:
    location = f"/statements/{written.statement.id}.json"
    return Response(
        written.model_dump_json(),
        status_code=status,
        media_type="application/json",
        headers={"Location": location, "Cache-Control": "no-store"},
    )


def _idempotency_key(raw: str | None, user: User) -> str | None:
    if raw is None:
        return None
    if not 1 <= len(raw) <= IDEMPOTENCY_KEY_MAX_LENGTH or not raw.isascii() or not raw.isprintable():
        raise Refused(
            FieldError("Idempotency-Key", f"must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters")
        )
    return rules.submission_key(via=VIA, user_id=user.id, key=raw)


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Any unique string (up to 200 characters). Sent again, it answers 200 with the statement "
        "it created, and adds nothing: safe to retry after a timeout.",
    ),
]


@router.post(
    "",
    status_code=201,
    response_model=StatementWritten,
    summary="Add a statement",
    responses={
        200: {
            "model": StatementWritten,
            "description": "This Idempotency-Key was used before: the statement it created.",
        },
        **REFUSALS,
    },
    openapi_extra=_body(_record_schema()),
)
def create_statement(
    user: ApiUser, body: JsonObject, session: WriteSession, idempotency_key: IdempotencyKey = None
) -> Response:
    """One statement in the interchange format (see docs/interchange.md); 201 with the stored statement."""
    added = writing.add(
        session=session,
        values=body,
        via=VIA,
        user_id=user.id,
        submission_key=_idempotency_key(idempotency_key, user),
        look_for_duplicates=True,
    )
    answer = _answer(
        _written(added.statement, created=added.created, checked=added.checked), 201 if added.created else 200
    )
    session.commit()  # here, in the route's thread: the unit of work then has nothing left to send (app.db)
    return answer


def _patched(session: Session, statement_id: int, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The record the PATCH makes of the statement as it is, and the version it changes."""
    unknown = [name for name in body if name != "version" and name not in StatementRecord.model_fields]
    if unknown:
        raise Refused.of((name, "is not a field of the format") for name in unknown)
    statement = repository.get_full(session, statement_id)
    if statement is None:
        raise writing.StatementNotFound(statement_id)
    current = statement_record(statement)
    version = body.get("version")
    if version is None:
        raise VersionConflict(
            statement_id=statement_id,
            current_version=statement.version,
            current_record=current,
            expected_version=None,
            message=f"send the version you are changing (it is {statement.version} now)",
        )
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise Refused(FieldError("version", f"must be a whole number from 1, not {version!r}"))
    if version != statement.version:
        raise writing.version_conflict(current=statement, expected_version=version)
    changed = [name for name in _NOT_PATCHED if name in body and body[name] != current[name]]
    if changed:
        raise Refused.of((name, "can't be changed here: retract a statement on its edit page") for name in changed)
    merged = current | {name: value for name, value in body.items() if name != "version"}
    for name, follows in _FOLLOWS.items():
        if name in body and body[name] != current[name]:
            merged |= {other: None for other in follows if other not in body}
    return merged, version


@router.patch(
    "/{statement_id}",
    response_model=StatementWritten,
    summary="Change a statement",
    responses={
        404: {"model": ProblemOut, "description": "No such statement."},
        409: {"model": ConflictOut, "description": "No `version`, or not the current one: nothing was written."},
        **REFUSALS,
    },
    openapi_extra=_body(_patch_schema()),
)
def edit_statement(user: ApiUser, statement_id: RowId, body: JsonObject, session: WriteSession) -> Response:
    """Change the fields given, at the version given; the change is a new revision in the statement's history."""
    merged, version = _patched(session, statement_id, body)
    checked = checking.checked_or_refused(session=session, values=merged, exclude_id=statement_id)
    assert checked.prepared is not None
    edited = writing.edit(
        session=session,
        statement_id=statement_id,
        prepared=checked.prepared,
        expected_version=version,
        via=VIA,
        user_id=user.id,
    )
    return _answer(_written(edited, created=False, checked=checked), 200)
