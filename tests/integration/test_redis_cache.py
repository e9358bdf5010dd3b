"""The read-through cache on the real Redis, its fail-open behaviour when Redis is not there, and the one Redis
client each service process makes in its lifespan and hands to the cache, the state channel and the rate limiter."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from shared.cache import RedisCache, cache_key, connect_redis
from shared.limits import RedisRateLimiter
from shared.schemas.indicators import DatasetVersion
from shared.state_channel import RedisStateChannel
from tests.support.environment import ADMIN_KEY, indicators_settings

pytestmark = pytest.mark.integration


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    made = connect_redis(redis_url)
    assert made is not None
    yield made
    made.close()


def test_read_through_on_redis(client: redis.Redis) -> None:
    cache = RedisCache(client)
    key = cache_key("test", "thing", 1, {"run": uuid.uuid4().hex})
    calls: list[int] = []

    def load() -> bytes:
        calls.append(1)
        return b"value"

    assert cache.read_through(key, load, ttl_seconds=30, decode=bytes) == b"value"
    assert cache.read_through(key, load, ttl_seconds=30, decode=bytes) == b"value"
    assert len(calls) == 1
    assert 0 < client.pttl(key) <= 30_000
    cache.delete(key)


def test_a_body_in_redis_that_does_not_decode_is_deleted_and_recomputed(client: redis.Redis) -> None:
    cache = RedisCache(client)
    key = cache_key("test", "thing", 1, {"run": uuid.uuid4().hex})
    client.set(key, b'{"year": "not a year"}', px=30_000)
    adapter = TypeAdapter(DatasetVersion)
    fresh = b'{"year": 2024, "version": "v"}'
    assert cache.read_through(key, lambda: fresh, ttl_seconds=30, decode=adapter.validate_json).year == 2024
    assert client.get(key) == fresh
    cache.delete(key)


def test_redis_down_falls_through(caplog: pytest.LogCaptureFixture) -> None:
    down = connect_redis("redis://127.0.0.1:1/0", socket_timeout=0.2)
    assert down is not None
    cache = RedisCache(down)
    assert cache.get("k") is None
    cache.set("k", b"v", 10)
    assert cache.read_through("k", lambda: b"fresh", ttl_seconds=10, decode=bytes) == b"fresh"
    assert any("falling through" in r.message for r in caplog.records)
    down.close()


def test_without_a_url_there_is_no_client() -> None:
    assert connect_redis(None) is None
    assert connect_redis("") is None


def handed_out(app: FastAPI) -> dict[str, Any]:
    """What the lifespan gave the cache, the state channel and the rate limiter to talk to Redis with."""
    state = app.state
    channel = state.state_channel if hasattr(state, "state_channel") else state.indicators.state_channel
    limiter = state.rate_limiter
    assert isinstance(state.cache, RedisCache)
    assert isinstance(channel, RedisStateChannel)
    assert isinstance(limiter, RedisRateLimiter)
    return {
        "client": state.redis,
        "cache": state.cache._client,
        "channel": channel._redis,
        "limiter pool": limiter._storage.storage.connection_pool,
    }


def assert_one_client(app: FastAPI) -> redis.Redis:
    used = handed_out(app)
    client: redis.Redis = used["client"]
    assert isinstance(client, redis.Redis)
    assert used["cache"] is client
    assert used["channel"] is client
    # limits' RedisStorage takes a pool, not a client: it is handed the client's own.
    assert used["limiter pool"] is client.connection_pool
    return client


def connections_named(client: redis.Redis, name: str) -> int:
    return sum(1 for entry in client.client_list() if entry.get("name") == name)


def test_each_service_process_makes_one_client_and_closes_it(
    demo_sqlite_url: str, redis_url: str, client: redis.Redis
) -> None:
    from services.indicators.main import create_app as create_indicators_app
    from services.recommendations.config import RecommendationsSettings
    from services.recommendations.main import create_app as create_recommendations_app
    from services.scoring.config import ScoringSettings
    from services.scoring.main import create_app as create_scoring_app

    common: dict[str, Any] = {"env": "test", "log_level": "WARNING", "redis_url": redis_url}
    apps = {
        "indicator-service": create_indicators_app(indicators_settings(demo_sqlite_url, redis_url=redis_url)),
        # Upstreams that are not there: the lifespans only make clients, nothing is called (no admin key).
        "scoring-service": create_scoring_app(ScoringSettings(indicators_url="http://127.0.0.1:1", **common)),
        "recommendation-service": create_recommendations_app(
            RecommendationsSettings(indicators_url="http://127.0.0.1:1", **common)
        ),
    }
    for name, app in apps.items():
        assert connections_named(client, name) == 0
        with TestClient(app, headers={"X-API-Key": ADMIN_KEY}) as running:
            assert_one_client(app).ping()
            assert running.get("/healthz").status_code == 200
            assert connections_named(client, name) >= 1  # the connections of that one client, named after it
        # Closed with the lifespan: no connection is left open, nothing is left on the app to use it.
        assert connections_named(client, name) == 0
        assert app.state.redis is None
        assert app.state.rate_limiter is None
