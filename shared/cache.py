"""Read-through cache behind every service-to-service GET: Redis when REDIS_URL is set, in-process otherwise.

Keys are `<service>:<resource>:v<schema>:<sha256 of the canonical JSON of the request>`; anything a cached value
depends on (a dataset's version, a profile's id) is part of the request, so a change makes new keys and a stale
answer cannot be served. Redis errors are logged and the call falls through (fail-open).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

import redis

log = logging.getLogger(__name__)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def cache_key(service: str, resource: str, schema_version: int, request: Any) -> str:
    digest = hashlib.sha256(canonical_json(request).encode()).hexdigest()
    return f"{service}:{resource}:v{schema_version}:{digest}"


class Cache(Protocol):
    """What the clients need of a cache: bytes in, bytes out, with a time to live."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None: ...

    def delete(self, key: str) -> None: ...


class MemoryCache:
    """A thread-safe LRU cache with per-entry expiry, for one process."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, value = entry
            if expires_at < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl_seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)


class RedisCache:
    """Redis-backed cache that never fails a request: an error is a warning and a miss."""

    def __init__(self, url: str, *, socket_timeout: float = 0.5) -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout)
        self._warned_at = 0.0

    def _warn(self, action: str, exc: Exception) -> None:
        # One warning every 30 s is enough to notice an outage without flooding the log.
        now = time.monotonic()
        if now - self._warned_at > 30:
            self._warned_at = now
            log.warning("redis %s failed, falling through: %s", action, exc)

    def get(self, key: str) -> bytes | None:
        try:
            value = self._client.get(key)
        except redis.RedisError as exc:
            self._warn("get", exc)
            return None
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        try:
            self._client.set(key, value, px=max(1, int(ttl_seconds * 1000)))
        except redis.RedisError as exc:
            self._warn("set", exc)

    def delete(self, key: str) -> None:
        try:
            self._client.delete(key)
        except redis.RedisError as exc:
            self._warn("delete", exc)

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False

    def close(self) -> None:
        self._client.close()


def make_cache(redis_url: str | None) -> Cache:
    return RedisCache(redis_url) if redis_url else MemoryCache()


def read_through(cache: Cache, key: str, ttl_seconds: float, load: Callable[[], bytes]) -> tuple[bytes, bool]:
    """The cached bytes for `key`, or `load()`'s result stored under it; the flag says whether it was a hit."""
    cached = cache.get(key)
    if cached is not None:
        return cached, True
    value = load()
    cache.set(key, value, ttl_seconds)
    return value, False
