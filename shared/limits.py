"""Request-size limit (413) and per-key rate limit (429) that every service installs through create_service_app."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import redis
from limits import RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import PayloadTooLarge
from shared.problems import problem_response

log = logging.getLogger(__name__)


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a body without Content-Length grows past the limit.

    An HTTPException, because FastAPI turns any other error raised while it reads a body into a 400; the problem
    handler renders it like PayloadTooLarge (same type and title).
    """

    type_slug = PayloadTooLarge.type_slug

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=_too_large_detail(max_bytes))


def _too_large_detail(max_bytes: int) -> str:
    return f"the request body is larger than the limit of {max_bytes} bytes"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class RequestSizeLimit:
    """Pure ASGI middleware: 413 problem+json for a body over `max_bytes`.

    A declared Content-Length over the limit is refused before the app runs; a body without one (chunked) is
    counted as it streams in, and refused as soon as it passes the limit, so it is never held in memory whole.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        response_started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            # Normally the problem handlers inside the app answer; this catches a body read outside them.
            if response_started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413, _too_large_detail(self.max_bytes), title=PayloadTooLarge.title, type_slug=PayloadTooLarge.type_slug
        )
        # Tell the client not to keep sending a body nobody will read.
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


@dataclass(frozen=True)
class RateVerdict:
    """Whether one more request of a key fits in its budget, and if not, in how many seconds it will."""

    allowed: bool
    retry_after: int = 0


class RateLimiter:
    """`limit` requests per `window_seconds` and subject in a moving window (the `limits` library's strategy).

    A moving window counts the requests of the last `window_seconds` at every moment, so a key cannot spend its
    budget twice around the turn of a fixed window; a refusal says when the oldest counted request leaves the
    window. A storage error is a warning and the request is let through (fail-open): an outage of Redis must not
    take the API down with it.
    """

    def __init__(self, storage: Storage, limit: int, *, namespace: str, window_seconds: int = 60) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.namespace = namespace
        self._storage = storage
        self._item = RateLimitItemPerSecond(limit, window_seconds, namespace=namespace)
        self._strategy = MovingWindowRateLimiter(storage)
        self._warned_at = 0.0

    def key(self, subject: str) -> str:
        """Where the subject's requests are counted (under the storage's prefix, in Redis `ratelimit:`)."""
        return self._item.key_for(subject)

    def hit(self, subject: str) -> RateVerdict:
        """Count one request of `subject` (a key's keyed hash, never the key) and say whether it is allowed."""
        try:
            if self._strategy.hit(self._item, subject):
                return RateVerdict(allowed=True)
            oldest_leaves_at, _ = self._strategy.get_window_stats(self._item, subject)
        except StorageError as exc:
            self._warn(exc.storage_error)
            return RateVerdict(allowed=True)
        return RateVerdict(False, max(1, math.ceil(oldest_leaves_at - time.time())))

    def _warn(self, exc: Exception) -> None:
        # One warning every 30 s is enough to notice an outage without flooding the log.
        now = time.monotonic()
        if now - self._warned_at > 30:
            self._warned_at = now
            log.warning("redis rate limit failed, letting the request through: %s", exc)


class MemoryRateLimiter(RateLimiter):
    """The moving window in this process (`limits.storage.MemoryStorage`), for a service without Redis."""

    def __init__(self, limit: int, *, namespace: str = "local", window_seconds: int = 60) -> None:
        super().__init__(MemoryStorage(), limit, namespace=namespace, window_seconds=window_seconds)


class RedisRateLimiter(RateLimiter):
    """The moving window in Redis, shared by every instance of a service, on the process's one client.

    `limits.storage.RedisStorage` takes a URL or a connection pool, not a client: it is given the client's own pool,
    so its commands go over the client's connections with the client's timeouts, and closing the client (in the
    lifespan) closes them. The `redis.Redis` it wraps around that pool holds no connection of its own.
    """

    KEY_PREFIX = "ratelimit"

    def __init__(self, client: redis.Redis, limit: int, *, namespace: str, window_seconds: int = 60) -> None:
        storage = RedisStorage(
            "redis://", connection_pool=client.connection_pool, key_prefix=self.KEY_PREFIX, wrap_exceptions=True
        )
        super().__init__(storage, limit, namespace=namespace, window_seconds=window_seconds)

    def key(self, subject: str) -> str:
        return f"{self.KEY_PREFIX}:{super().key(subject)}"


def make_rate_limiter(client: redis.Redis | None, limit: int, *, namespace: str) -> RateLimiter | None:
    """On the process's Redis client when there is one, in-process otherwise; None when the limit is 0 (disabled)."""
    if limit <= 0:
        return None
    if client is not None:
        return RedisRateLimiter(client, limit, namespace=namespace)
    return MemoryRateLimiter(limit, namespace=namespace)
