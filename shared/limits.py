"""Request-size limit (413) and per-key rate limit (429) that every service installs through create_service_app."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis
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


class RateLimiter(Protocol):
    def hit(self, subject: str) -> RateVerdict:
        """Count one request of `subject` (a key's hash, never the key) and say whether it is allowed."""
        ...


def _window(now: float, window_seconds: int) -> tuple[int, int]:
    """The fixed window `now` falls in and the whole seconds until it ends (at least 1)."""
    index = int(now // window_seconds)
    return index, max(1, math.ceil((index + 1) * window_seconds - now))


class MemoryRateLimiter:
    """Fixed-window counter per subject, for one process."""

    def __init__(self, limit: int, *, window_seconds: int = 60, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._current = -1
        self._counts: dict[str, int] = {}

    def hit(self, subject: str) -> RateVerdict:
        index, retry_after = _window(self._clock(), self.window_seconds)
        with self._lock:
            if index != self._current:
                # Only the current window matters, so the whole table can go when it ends: memory stays bounded.
                self._current, self._counts = index, {}
            count = self._counts.get(subject, 0) + 1
            self._counts[subject] = count
        return RateVerdict(allowed=True) if count <= self.limit else RateVerdict(False, retry_after)


class RedisRateLimiter:
    """Fixed-window counter per subject in Redis (INCR + EXPIRE), shared by every instance of a service.

    A Redis error is a warning and the request is let through (fail-open): an outage of the cache must not take
    the API down with it.
    """

    def __init__(
        self,
        url: str,
        limit: int,
        *,
        namespace: str,
        window_seconds: int = 60,
        clock: Callable[[], float] = time.time,
        socket_timeout: float = 0.5,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.namespace = namespace
        self._clock = clock
        self._client = redis.Redis.from_url(url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout)
        self._warned_at = 0.0

    def key(self, subject: str, index: int) -> str:
        return f"ratelimit:{self.namespace}:{subject}:{index}"

    def hit(self, subject: str) -> RateVerdict:
        index, retry_after = _window(self._clock(), self.window_seconds)
        key = self.key(subject, index)
        try:
            pipeline = self._client.pipeline()
            pipeline.incr(key)
            # Twice the window, so that instances whose clocks differ a little still find the counter.
            pipeline.expire(key, 2 * self.window_seconds)
            count = int(pipeline.execute()[0])
        except redis.RedisError as exc:
            self._warn(exc)
            return RateVerdict(allowed=True)
        return RateVerdict(allowed=True) if count <= self.limit else RateVerdict(False, retry_after)

    def _warn(self, exc: Exception) -> None:
        # One warning every 30 s is enough to notice an outage without flooding the log.
        now = time.monotonic()
        if now - self._warned_at > 30:
            self._warned_at = now
            log.warning("redis rate limit failed, letting the request through: %s", exc)

    def close(self) -> None:
        self._client.close()


def make_rate_limiter(redis_url: str | None, limit: int, *, namespace: str) -> RateLimiter | None:
    """Redis-backed when REDIS_URL is set, in-process otherwise; None when the limit is 0 (disabled)."""
    if limit <= 0:
        return None
    if redis_url:
        return RedisRateLimiter(redis_url, limit, namespace=namespace)
    return MemoryRateLimiter(limit)
