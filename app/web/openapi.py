"""The OpenAPI document as the app really answers: every status an operation can give, one error body, real values.

FastAPI writes each operation's parameters and its success; this adds what the layers around the
routes answer, read from what each route depends on rather than listed route by route:

- 422 for every operation (a parameter, form or JSON field refused, naming it; control characters
  anywhere), 400 (a Host not allowed: app/web/hosts.py), and 404 for every operation with a path
  parameter (no such id, slug or code);
- 304 for every GET (`If-None-Match` naming the current ETag: app/web/conditional.py);
- 401 and 403 where a route needs an API token or a signed-in editor, with the bearer scheme;
- 413 (and 400 for an unreadable Content-Length or JSON nested too deep: app/web/limits.py) for every
  operation that takes a body;

each with the error body `ProblemOut`. Values that come from the data (topic slugs, country codes)
are written in as enums, so the document is made per data version (`app.system.routes`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app import params
from app.errors import ProblemOut
from app.web import inputs

_PROBLEM_REF = {"$ref": "#/components/schemas/ProblemOut"}
_NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
_BLOCK_OF_TEXT = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"  # tab, LF and CR allowed
STATUSES = {
    304: "Not modified: `If-None-Match` named the current ETag.",
    400: "A Host not in IW_ALLOWED_HOSTS; with a body, an unreadable Content-Length or JSON nested too deep.",
    401: "Nobody is signed in, or the API token is missing or revoked.",
    403: "Not allowed: a disabled user, an editor where an admin is needed, or a cross-site request.",
    404: "No such id, slug or code.",
    413: "The body is larger than this address accepts.",
    422: "A parameter or field can't be used: each is named, with its message. Nothing was written.",
}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def route_statuses(
    route: APIRoute, *, token: Callable[..., Any], editor: Callable[..., Any]
) -> tuple[set[int], str | None]:
    """The statuses the layers around this route may answer, and the security scheme it needs (or None)."""
    calls = set(_calls(route.dependant))
    statuses = {400, 422}
    if route.dependant.path_params:
        statuses.add(404)
    methods = route.methods or set()
    if "GET" in methods:
        statuses.add(304)
    if route.body_field is not None or route.dependant.body_params or route.openapi_extra:
        statuses.add(413)
    scheme = None
    if token in calls:
        statuses |= {401, 403}
        scheme = "bearer"
    elif editor in calls:
        statuses |= {401, 403}
    return statuses, scheme


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _fill_values(document: dict[str, Any], values: dict[str, list[str]]) -> None:
    """Each marked schema gets the data's values: an enum of slugs or codes, or the cells' pattern."""
    for node in list(_walk(document)):
        kind = node.pop("x-values", None)
        blank = node.pop("x-blank", True)
        if kind == "cells":
            codes = "|".join(values["countries"])
            node["pattern"] = f"^$|^({codes}):{params.MONTH}$"
        elif kind is not None:
            node["enum"] = [""] * blank + values[kind]
            node.pop("pattern", None)


def _plain_strings(parameter: dict[str, Any]) -> None:
    """A free string parameter says what every one is refused for: control characters."""
    schema = parameter.get("schema", {})
    for node in [schema, *schema.get("anyOf", []), schema.get("items", {})]:
        if node.get("type") == "string" and not {"enum", "pattern", "format"} & node.keys():
            node["pattern"] = _NO_CONTROL_CHARACTERS


def _resolved(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        found: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        return found
    return node


def _plain_body(node: dict[str, Any], document: dict[str, Any], *, multiline: bool) -> None:
    """A request body's free strings say what app/web/inputs.py refuses in them (line breaks only in blocks)."""
    if node.get("type") == "string" and not {"enum", "pattern", "format", "const"} & node.keys():
        node["pattern"] = _BLOCK_OF_TEXT if multiline else _NO_CONTROL_CHARACTERS
    for name, child in node.get("properties", {}).items():
        _plain_body(_resolved(document, child), document, multiline=name in inputs.MULTILINE_FIELDS)
    for key in ("anyOf", "oneOf", "allOf"):
        for child in node.get(key, []):
            _plain_body(_resolved(document, child), document, multiline=multiline)
    if isinstance(node.get("items"), dict):
        _plain_body(_resolved(document, node["items"]), document, multiline=multiline)


def document(
    app: FastAPI,
    *,
    values: dict[str, list[str]],
    token: Callable[..., Any],
    editor: Callable[..., Any],
) -> dict[str, Any]:
    """The app's OpenAPI document, every operation's statuses written in, with the data's values."""
    document = copy.deepcopy(app.openapi())
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ProblemOut"] = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}").pop("$defs", {}))
    schemas["ProblemOut"].pop("$defs", None)
    document["components"].setdefault("securitySchemes", {})["bearer"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token, created on /account: `Authorization: Bearer iw_...`.",
    }
    for context in routing.iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not context.include_in_schema:
            continue
        statuses, scheme = route_statuses(route, token=token, editor=editor)
        path = document["paths"].get(context.path_format)
        if path is None:
            continue
        for method in context.methods or ():
            operation = path.get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            pages = _answers_html(responses)
            for status in sorted(statuses):
                answer = responses.setdefault(str(status), {"description": STATUSES[status]})
                if status == 304:
                    continue
                answer["content"] = {"application/json": {"schema": _ref_for(answer)}}
                if pages:  # a page's errors are pages too, unless the request asks for JSON
                    answer["content"]["text/html"] = {"schema": {"type": "string"}}
            if scheme is not None:
                operation["security"] = [{scheme: []}]
            for parameter in operation.get("parameters", []):
                _plain_strings(parameter)
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "schema" in body:
                _plain_body(_resolved(document, body["schema"]), document, multiline=False)
    _fill_values(document, values)
    return document


def _answers_html(responses: dict[str, Any]) -> bool:
    success = responses.get("200") or responses.get("201") or {}
    return "application/json" not in success.get("content", {})


def _ref_for(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer's own body model if the route named one (ConflictOut), else ProblemOut."""
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    if isinstance(schema, dict) and schema.get("$ref") not in (None, "#/components/schemas/HTTPValidationError"):
        return schema
    return dict(_PROBLEM_REF)
