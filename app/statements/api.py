"""The JSON write API: one statement per request, in the interchange format, with a personal API token.

`POST /api/statements` adds a statement; `PATCH /api/statements/{id}` changes one. The same rules,
messages and revisions as the forms and the import apply. Bodies are read here rather than by
FastAPI, so that every refusal lists every bad field in the interchange format's own words.
"""

from __future__ import annotations

import copy
import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.accounts.models import User
from app.db import release
from app.deps import ApiUser, SessionDep
from app.interchange.records import statement_record
from app.interchange.schemas import StatementRecord, problems
from app.statements import repository, rules
from app.statements import service as statements_service
from app.statements.models import Statement
from app.statements.resolver import RecordError, RecordsRefused
from app.statements.schemas import ConflictOut, ProblemOut, StatementOut, StatementWritten
from app.web.errors import FieldError, NotFound, UserError

router = APIRouter(prefix="/api/statements", tags=["write API"])

VIA = "api"
IDEMPOTENCY_KEY_MAX_LENGTH = 200
# A PATCH that names a new actor or office without these lets them be found afresh.
_FOLLOWS = {"actor": ("country", "office", "office_rank", "actor_kind"), "office": ("office_rank",)}
_NOT_PATCHED = ("status", "retraction_reason")


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
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
    return _inline_refs(StatementRecord.model_json_schema())


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


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise UserError(FieldError("body", f"is not valid JSON ({error})"), status=422) from None
    if not isinstance(body, dict):
        raise UserError(FieldError("body", "must be a JSON object holding one statement's fields"), status=422)
    return body


def _refused(found: list[tuple[str, str]]) -> UserError:
    return UserError(*(FieldError(path, message) for path, message in found), status=422)


def _resolver_refused(errors: list[RecordError]) -> UserError:
    return _refused([(error.field, error.message) for error in errors])


def _source_names(sources: Any) -> list[str]:
    return [source.url or source.key for source in sources]


def _written(statement: Statement, *, created: bool, reused: list[str], duplicates: list[int]) -> StatementWritten:
    return StatementWritten(
        statement=StatementOut.of(statement),
        created=created,
        reused_sources=reused,
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


def _checked(
    session: Session, values: dict[str, Any], *, exclude_id: int | None = None, submission_key: str | None = None
) -> tuple[StatementRecord, list[str], list[int]]:
    """The record, the stored sources it reuses and its possible duplicates; UserError with every problem."""
    found = problems(values)
    if found:
        raise _refused(found)
    record = StatementRecord.model_validate(values)
    check = statements_service.preflight(session=session, record=record)
    if check.errors:
        raise _resolver_refused(check.errors)
    duplicates: list[int] = []
    if check.actor_id is not None and check.topic_id is not None:
        duplicates = [
            card.id
            for card in statements_service.possible_duplicates(
                session=session,
                record=record,
                actor_id=check.actor_id,
                topic_id=check.topic_id,
                exclude_id=exclude_id,
                exclude_submission_key=submission_key,
            )
        ]
    return record, _source_names(check.reused_sources.values()), duplicates


def _idempotency_key(raw: str | None, user: User) -> str | None:
    if raw is None:
        return None
    if not 1 <= len(raw) <= IDEMPOTENCY_KEY_MAX_LENGTH or not raw.isascii() or not raw.isprintable():
        raise UserError(
            FieldError("Idempotency-Key", f"must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters"),
            status=422,
        )
    return rules.submission_key(via=VIA, user_id=user.id, key=raw)


def _create(request: Request, session: Session, user: User, body: dict[str, Any], raw_key: str | None) -> Response:
    key = _idempotency_key(raw_key, user)
    if key is not None:
        earlier = repository.by_submission_key(session, key)
        if earlier is not None:
            return _answer(_written(earlier, created=False, reused=[], duplicates=[]), 200)
    record, reused, duplicates = _checked(session, body, submission_key=key)
    release(session)
    try:
        with request.app.state.db.write() as write:
            statement, created = statements_service.create(
                session=write,
                record=record,
                via=VIA,
                user_id=user.id,
                submission_key=key,
            )
            written = _written(
                statement, created=created, reused=reused if created else [], duplicates=duplicates if created else []
            )
    except RecordsRefused as refused:  # the store changed between the check and the write
        raise _resolver_refused(refused.errors) from None
    return _answer(written, 201 if created else 200)


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
async def create_statement(
    request: Request,
    session: SessionDep,
    user: ApiUser,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Any unique string (up to 200 characters). Sent again, it answers 200 with the statement it created, "
            "and adds nothing: safe to retry after a timeout.",
        ),
    ] = None,
) -> Response:
    """One statement in the interchange format (see docs/interchange.md); 201 with the stored statement."""
    body = await _json_object(request)
    return await run_in_threadpool(_create, request, session, user, body, idempotency_key)


def _conflict(message: str, current_version: int, current: dict[str, Any] | None = None) -> UserError:
    return UserError(
        FieldError("version", message), status=409, details={"current_version": current_version, "current": current}
    )


def _edit(request: Request, session: Session, user: User, statement_id: int, body: dict[str, Any]) -> Response:
    unknown = [name for name in body if name != "version" and name not in StatementRecord.model_fields]
    if unknown:
        raise _refused([(name, "is not a field of the format") for name in unknown])
    statement = repository.get_full(session, statement_id)
    if statement is None:
        raise NotFound(f"There is no statement {statement_id}.")
    current = statement_record(statement)
    current_version = statement.version
    version = body.get("version")
    if version is None:
        raise _conflict(f"send the version you are changing (it is {current_version} now)", current_version, current)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _refused([("version", f"must be a whole number from 1, not {version!r}")])
    if version != current_version:
        raise _conflict(
            f"the statement changed: it is at version {current_version}, not {version}", current_version, current
        )
    changed = [name for name in _NOT_PATCHED if name in body and body[name] != current[name]]
    if changed:
        raise _refused([(name, "can't be changed here: retract a statement on its edit page") for name in changed])
    merged = current | {name: value for name, value in body.items() if name != "version"}
    for name, follows in _FOLLOWS.items():
        if name in body and body[name] != current[name]:
            merged |= {other: None for other in follows if other not in body}
    record, reused, duplicates = _checked(session, merged, exclude_id=statement_id)
    release(session)
    try:
        with request.app.state.db.write() as write:
            edited = statements_service.edit(
                session=write,
                statement_id=statement_id,
                record=record,
                expected_version=version,
                via=VIA,
                user_id=user.id,
            )
            written = _written(edited, created=False, reused=reused, duplicates=duplicates)
    except statements_service.VersionConflict as conflict:
        raise _conflict(
            f"the statement changed: it is at version {conflict.current_version}, not {version}",
            conflict.current_version,
            conflict.current_record,
        ) from None
    except RecordsRefused as refused:
        raise _resolver_refused(refused.errors) from None
    return _answer(written, 200)


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
async def edit_statement(request: Request, session: SessionDep, user: ApiUser, statement_id: int) -> Response:
    """Change the fields given, at the version given; the change is a new revision in the statement's history."""
    body = await _json_object(request)
    return await run_in_threadpool(_edit, request, session, user, statement_id, body)
