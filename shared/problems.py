"""Renders every error as RFC 9457 application/problem+json, in one place for all services."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import DomainError, TooManyRequests

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://amc-platform.example/problems/"
log = logging.getLogger(__name__)

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    type_slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + (type_slug or str(status)),
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extensions or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _loc(loc: Any) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    return problem_response(
        exc.status,
        exc.detail,
        title=exc.title,
        type_slug=exc.type_slug,
        errors=exc.errors,
        headers=headers,
        extensions=exc.extensions,
    )


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": _loc(err.get("loc", ())), "msg": str(err.get("msg", ""))} for err in exc.errors()]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"])
    detail = f"{where}: {first['msg']}" if where else str(first["msg"])
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem_response(422, detail, type_slug="invalid-input", errors=errors)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    # An HTTPException may name its problem type (shared.limits.BodyTooLarge does), like a DomainError.
    type_slug: str | None = getattr(exc, "type_slug", None)
    # FastAPI's "There was an error parsing the body" (a body nested past the JSON parser's depth, say) is a 400:
    # it names the body as the bad part, like every other invalid input.
    errors = [{"loc": ["body"], "msg": str(exc.detail)}] if exc.status_code == 400 else None
    return problem_response(exc.status_code, str(exc.detail), type_slug=type_slug, headers=headers, errors=errors)


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    # Starlette re-raises after this response and the server then drops the connection: say so, or a pooled
    # client would send its next request down a connection that is already closed.
    return problem_response(500, "An unexpected error occurred; it has been logged.", headers={"Connection": "close"})


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


def invalid_input_example(detail: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """A 422 problem body as the handlers render it, for the worked examples in OpenAPI documents."""
    return {
        "type": TYPE_BASE + "invalid-input",
        "title": _TITLES[422],
        "status": 422,
        "detail": detail,
        "errors": errors,
    }


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details, the body of every error answer.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "URI naming the kind of problem."},
        "title": {"type": "string", "description": "Short summary of the kind of problem."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong this time, in words."},
        "errors": {
            "type": "array",
            "description": "For invalid input: each bad place, located.",
            "items": {"$ref": "#/components/schemas/ProblemError"},
        },
    },
    "additionalProperties": True,
}
PROBLEM_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ProblemError",
    "type": "object",
    "required": ["loc", "msg"],
    "properties": {
        "loc": {
            "type": "array",
            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "description": "Where: `body`, `query` or `path` and the names and indexes below it.",
        },
        "msg": {"type": "string", "description": "What is wrong there."},
        "row": {"type": "integer", "description": "Imports: the line number in the file."},
        "column": {"type": "string", "description": "Imports: the column."},
        "message": {"type": "string", "description": "Imports: the same as `msg`."},
    },
    "additionalProperties": True,
}
# Answers every /v1 operation can give whatever it does: a body FastAPI cannot parse, keys and roles, size and
# rate limits, invalid input.
COMMON_PROBLEMS: dict[int, str] = {
    400: "The body could not be parsed (problem+json).",
    401: "Missing or unknown API key (problem+json).",
    403: "The key's role does not allow this (problem+json).",
    413: "The request body is larger than the limit (problem+json).",
    422: "Invalid input (problem+json with `errors`).",
    429: "The key used up its requests per minute; see `Retry-After` (problem+json).",
}


NOT_FOUND = "A resource the request names (by its path or parameters) does not exist (problem+json)."
CONFLICT = "The write conflicts with the stored state: a duplicate, a stale version, a race lost (problem+json)."


def document_problems(
    schema: dict[str, Any], *, extra: dict[int, str] | None = None, writes_conflict: bool = False
) -> dict[str, Any]:
    """The OpenAPI document with one Problem schema behind every error answer of every operation.

    Each 4xx and 5xx response is declared as `application/problem+json` with the Problem schema (its example, if
    any, kept), so a client generated from the document parses errors into a typed model; the answers every /v1
    operation can give (COMMON_PROBLEMS, and `extra`, such as 503 for a service that asks another) are declared
    on each of them; 404 on each operation that names a resource by a path or query parameter, and with
    `writes_conflict` (a service that stores data) 409 on each write.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    components["ProblemError"] = PROBLEM_ERROR_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    statuses = {**COMMON_PROBLEMS, **(extra or {})}
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/v1/"):
            continue  # /healthz and /readyz answer in their own shapes
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in statuses.items():
                responses.setdefault(str(status), {"description": description})
            if operation.get("parameters"):
                responses.setdefault("404", {"description": NOT_FOUND})
            if writes_conflict and method in ("post", "put", "patch", "delete"):
                responses.setdefault("409", {"description": CONFLICT})
            for status, response in responses.items():
                if status[0] not in "45":
                    continue
                content = response.get("content") or {}
                example = next((c["example"] for c in content.values() if "example" in c), None)
                media: dict[str, Any] = {"schema": {"$ref": "#/components/schemas/Problem"}}
                if example is not None:
                    media["example"] = example
                response["content"] = {PROBLEM_MEDIA_TYPE: media}
    return schema
