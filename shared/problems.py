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
