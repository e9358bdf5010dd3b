"""Per-key rate limit on the real Redis: instances of a service share one budget per key."""

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
    for name in client.scan_iter(f"ratelimit:*:{counted_as(key)}:*"):
        client.delete(name)
    client.close()


def start_of_a_fresh_window() -> None:
    """Budgets are per minute of the clock: wait out the last seconds of one, so a test never straddles two."""
    left = 60 - time.time() % 60
    if left < 5:
        time.sleep(left + 0.05)


def test_two_instances_share_the_budget(redis_url: str, admin_key: str) -> None:
    start_of_a_fresh_window()
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
    names = [n.decode() for n in redis.Redis.from_url(redis_url).scan_iter("ratelimit:rate-service:*")]
    ours = [n for n in names if counted_as(admin_key) in n]
    assert len(ours) == 1
    assert admin_key not in ours[0]
    assert not [n for n in names if hash_key(admin_key) in n]  # never the api_keys table's SHA-256
    assert 0 < redis.Redis.from_url(redis_url).ttl(ours[0]) <= 120


def test_each_service_has_its_own_budget(redis_url: str, admin_key: str) -> None:
    start_of_a_fresh_window()
    headers = {"X-API-Key": admin_key}
    scoring = TestClient(instance(redis_url, admin_key, "Scoring service", 1), headers=headers)
    recommendations = TestClient(instance(redis_url, admin_key, "Recommendation service", 1), headers=headers)
    with scoring, recommendations:
        assert scoring.get("/v1/ping").status_code == 200
        assert recommendations.get("/v1/ping").status_code == 200
        assert scoring.get("/v1/ping").status_code == 429


def test_redis_limiter_counts_on_the_real_redis(redis_url: str) -> None:
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    limiter = RedisRateLimiter(redis_url, 2, namespace=namespace, clock=lambda: 120.5)
    try:
        assert [limiter.hit("s").allowed for _ in range(3)] == [True, True, False]
        assert limiter.hit("s").retry_after == 60  # 120.5 is in the window [120, 180)
        assert limiter.hit("other").allowed
    finally:
        client = redis.Redis.from_url(redis_url)
        for name in client.scan_iter(f"ratelimit:{namespace}:*"):
            client.delete(name)
        limiter.close()
