"""Structured logs, and what travels with a request from service to service: its id and the caller's key.

The request id (X-Request-ID) goes into every log line and every outgoing call; the caller's key (X-API-Key) into
every outgoing call made while serving the request, so that the service called checks the caller's role. Both are
context variables, set per request by `request_id_middleware` and read by `shared.clients`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
import uuid
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from shared.auth import API_KEY_HEADER

REQUEST_ID_HEADER = "X-Request-ID"
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# Never logged: JsonFormatter writes only the fields it names.
caller_key_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("caller_key", default=None)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the current request id."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = request_id_var.get()
        if rid:
            entry["request_id"] = rid
        for key in ("service", "method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(*, level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def current_request_id() -> str | None:
    return request_id_var.get()


def current_caller_key() -> str | None:
    """The X-API-Key of the request being served (None outside a request or without the header)."""
    return caller_key_var.get()


async def request_id_middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Adopt the caller's request id or make one, expose it to logs and outgoing calls, echo it back; hold the
    caller's key for outgoing calls.

    The key is held here, not in `shared.auth.authenticate`: that dependency is sync, so it runs in a worker
    thread on a copy of the context, and what it set there would be gone when it returns. Set here, before any
    dependency, the key reaches every dependency and handler, sync ones included (the thread pool runs them on a
    copy of this context). It is the key as presented: whichever service it is forwarded to checks it again.
    """
    rid = request.headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex
    token = request_id_var.set(rid)
    key_token = caller_key_var.set(request.headers.get(API_KEY_HEADER) or None)
    started = time.perf_counter()
    try:
        response = await call_next(request)
        response.headers[REQUEST_ID_HEADER] = rid
        if request.url.path not in ("/healthz", "/readyz"):
            logging.getLogger("access").info(
                "%s %s %s",
                request.method,
                request.url.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.url.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
        return response
    finally:
        caller_key_var.reset(key_token)
        request_id_var.reset(token)
