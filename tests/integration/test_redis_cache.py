"""The read-through cache on the real Redis, and its fail-open behaviour when Redis is not there."""

from __future__ import annotations

import uuid

import pytest

from shared.cache import RedisCache, cache_key, read_through

pytestmark = pytest.mark.integration


def test_read_through_on_redis(redis_url: str) -> None:
    cache = RedisCache(redis_url)
    key = cache_key("test", "thing", 1, {"run": uuid.uuid4().hex})
    calls: list[int] = []

    def load() -> bytes:
        calls.append(1)
        return b"value"

    assert read_through(cache, key, 30, load) == (b"value", False)
    assert read_through(cache, key, 30, load) == (b"value", True)
    assert len(calls) == 1
    cache.delete(key)
    cache.close()


def test_redis_down_falls_through(caplog: pytest.LogCaptureFixture) -> None:
    cache = RedisCache("redis://127.0.0.1:1/0", socket_timeout=0.2)
    assert cache.get("k") is None
    cache.set("k", b"v", 10)
    assert read_through(cache, "k", 10, lambda: b"fresh") == (b"fresh", False)
    assert any("falling through" in r.message for r in caplog.records)
