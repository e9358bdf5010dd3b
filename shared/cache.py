"""The read-through cache behind every cached read of the platform: Redis when REDIS_URL is set, in-process otherwise.

Keys are `<service>:<resource>:v<schema>:<sha256 of the canonical JSON of what the answer depends on>`; the
platform state an answer depends on (the instance id, the catalogue version, a dataset's version, a profile's id)
is part of the key, so a change makes new keys and a stale answer cannot be served. `Cache.read_through` is the
one way a value is read or stored: a cached value that fails to decode is a miss (deleted and computed again), and
a Redis error is a warning and a miss (fail-open).

Each process has one Redis client (`connect_redis`), made and closed in its lifespan; the cache, the state channel
and the rate limiter are handed that client, never a URL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from pydantic import TypeAdapter

log = logging.getLogger(__name__)
T = TypeVar("T")

REDIS_TIMEOUT_SECONDS = 0.5


def connect_redis(
    url: str | None, *, name: str | None = None, socket_timeout: float = REDIS_TIMEOUT_SECONDS
) -> redis.Redis | None:
    """The process's one Redis client (None without a URL); its owner, the lifespan, closes it.

    Short timeouts: Redis is a cache, and a slow one must cost a request half a second at most, not hang it. The
    `name` (the service's) is the connections' CLIENT SETNAME, so `CLIENT LIST` tells whose they are.
    """
    if not url:
        return None
    return redis.Redis.from_url(
        url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout, client_name=name
    )


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def cache_key(service: str, resource: str, schema_version: int, request: Any) -> str:
    digest = hashlib.sha256(canonical_json(request).encode()).hexdigest()
    return f"{service}:{resource}:v{schema_version}:{digest}"


def validated(model: Any) -> Callable[[bytes], bytes]:
    """A `decode` for bodies served as they are: the bytes, once they validate as `model` (else ValueError)."""
    adapter: TypeAdapter[Any] = TypeAdapter(model)

    def decode(body: bytes) -> bytes:
        adapter.validate_json(body)
        return body

    return decode


class Cache(ABC):
    """Bytes in, bytes out, with a time to live; `read_through` is how everything cached is read."""

    @abstractmethod
    def get(self, key: str) -> bytes | None: ...

    @abstractmethod
    def set(self, key: str, value: bytes, ttl_seconds: float) -> None: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    def read_through(
        self,
        key: str,
        produce: Callable[[], bytes],
        *,
        ttl_seconds: float,
        decode: Callable[[bytes], T],
        keep: Callable[[T], bool] | None = None,
    ) -> T:
        """The decoded value under `key`, else `produce()`'s bytes decoded, and stored when they decode.

        A cached value that `decode` refuses (any exception: a body of an older shape, a truncated or foreign one)
        or that `keep` rejects is a miss: it is deleted and produced again. A produced value that `keep` rejects is
        returned but not stored (say, a dataset that changed between the version check and the read); one that does
        not decode raises, and nothing is stored.
        """
        cached = self.get(key)
        if cached is not None:
            try:
                value = decode(cached)
            except Exception as exc:  # whatever a decoder raises, a cached value it refuses is only a miss
                log.warning("cached value under %s does not decode, recomputing: %s", key, exc)
            else:
                if keep is None or keep(value):
                    return value
            self.delete(key)
        body = produce()
        value = decode(body)
        if keep is None or keep(value):
            self.set(key, body, ttl_seconds)
        return value


class MemoryCache(Cache):
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


class RedisCache(Cache):
    """The cache in Redis, on the process's client; it never fails a request: an error is a warning and a miss."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
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


def make_cache(client: redis.Redis | None) -> Cache:
    """On the process's Redis client when there is one, else in this process."""
    return RedisCache(client) if client is not None else MemoryCache()
