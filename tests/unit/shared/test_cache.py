"""The in-process cache and the cache keys."""

from __future__ import annotations

import time

from shared.cache import MemoryCache, cache_key


def test_key_is_canonical_and_versioned() -> None:
    a = cache_key("scoring", "ranking", 1, {"year": 2024, "version": "x"})
    b = cache_key("scoring", "ranking", 1, {"version": "x", "year": 2024})
    assert a == b
    assert a.startswith("scoring:ranking:v1:")
    assert cache_key("scoring", "ranking", 1, {"year": 2024, "version": "y"}) != a
    assert cache_key("scoring", "ranking", 2, {"year": 2024, "version": "x"}) != a


def test_lru_evicts_the_least_recently_used() -> None:
    cache = MemoryCache(max_entries=2)
    cache.set("a", b"1", 60)
    cache.set("b", b"2", 60)
    assert cache.get("a") == b"1"
    cache.set("c", b"3", 60)
    assert cache.get("b") is None
    assert cache.get("a") == b"1"


def test_entries_expire() -> None:
    cache = MemoryCache()
    cache.set("a", b"1", 0.01)
    time.sleep(0.02)
    assert cache.get("a") is None
