"""Per-key rate limit on the real Redis (a moving window of the `limits` library): instances of a service share one
budget per key."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.app import create_service_app
from shared.auth import Viewer, hash_key, key_hash_secret, keyed_hash
from shared.cache import connect_redis
from shared.limits import RedisRateLimiter
from shared.problems import PROBLEM_MEDIA_TYPE
from shared.settings import CommonSettings

pytestmark = pytest.mark.integration


def instance(redis_url: str, admin_key: str, title: str, limit: int) -> FastAPI:
    settings = CommonSettings(
        admin_api_key=admin_key, redis_url=redis_url, rate_limit_per_minute=limit, log_level="WARNING"
    )
    app = create_service_app(title=title, description="", settings=settings)

    @app.get("/v1/ping")
    def ping(_: Viewer) -> dict[str, str]:
        return {"pong": "ok"}

    return app


def counted_as(admin_key: str) -> str:
    """The keyed hash the instances below count `admin_key` under (the secret derived from ADMIN_API_KEY)."""
    return keyed_hash(admin_key, key_hash_secret(CommonSettings(admin_api_key=admin_key)))


@pytest.fixture
def admin_key(redis_url: str) -> Iterator[str]:
    """A key of this test only, so that runs never share a budget; its counters are removed afterwards."""
    key = f"rate-test-{uuid.uuid4().hex}"
    yield key
    client = redis.Redis.from_url(redis_url)
    for name in client.scan_iter(f"ratelimit:*/{counted_as(key)}/*"):
        client.delete(name)
    client.close()


def test_two_instances_share_the_budget(redis_url: str, admin_key: str) -> None:
    headers = {"X-API-Key": admin_key}
    first = TestClient(instance(redis_url, admin_key, "Rate service", 4), headers=headers)
    second = TestClient(instance(redis_url, admin_key, "Rate service", 4), headers=headers)
    with first, second:
        statuses = [client.get("/v1/ping").status_code for client in (first, second, first, second)]
        assert statuses == [200] * 4
        refused = second.get("/v1/ping")
        assert refused.status_code == 429
        assert refused.headers["content-type"] == PROBLEM_MEDIA_TYPE
        assert refused.json()["status"] == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert first.get("/v1/ping").status_code == 429


def test_the_counter_is_stored_under_the_keyed_hash(redis_url: str, admin_key: str) -> None:
    with TestClient(instance(redis_url, admin_key, "Rate service", 10), headers={"X-API-Key": admin_key}) as client:
        client.get("/v1/ping")
    names = [n.decode() for n in redis.Redis.from_url(redis_url).scan_iter("ratelimit:rate-service/*")]
    ours = [n for n in names if counted_as(admin_key) in n]
    assert len(ours) == 1
    assert admin_key not in ours[0]
    assert not [n for n in names if hash_key(admin_key) in n]  # never the api_keys table's SHA-256
    assert 0 < redis.Redis.from_url(redis_url).ttl(ours[0]) <= 60


def test_each_service_has_its_own_budget(redis_url: str, admin_key: str) -> None:
    headers = {"X-API-Key": admin_key}
    scoring = TestClient(instance(redis_url, admin_key, "Scoring service", 1), headers=headers)
    recommendations = TestClient(instance(redis_url, admin_key, "Recommendation service", 1), headers=headers)
    with scoring, recommendations:
        assert scoring.get("/v1/ping").status_code == 200
        assert recommendations.get("/v1/ping").status_code == 200
        assert scoring.get("/v1/ping").status_code == 429


def test_redis_limiter_counts_on_the_real_redis(redis_url: str) -> None:
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    client = connect_redis(redis_url)
    assert client is not None
    limiter = RedisRateLimiter(client, 2, namespace=namespace, window_seconds=2)
    try:
        assert [limiter.hit("s").allowed for _ in range(3)] == [True, True, False]
        assert limiter.hit("s").retry_after == 2  # when the first request leaves the moving window
        assert limiter.hit("other").allowed
        time.sleep(1.0)
        assert not limiter.hit("s").allowed  # a second on, both still count, whatever the turn of the clock
        time.sleep(1.1)
        assert limiter.hit("s").allowed
        assert len(client.lrange(limiter.key("s"), 0, -1)) <= 2  # the window keeps at most `limit` entries
    finally:
        for name in client.scan_iter(f"ratelimit:{namespace}/*"):
            client.delete(name)
        client.close()
