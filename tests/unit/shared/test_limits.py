"""Request-size limit (413) and per-key rate limit (429 with Retry-After), through a service app and on their own."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel

from services.indicators.main import create_app as create_indicators_app
from shared.app import create_service_app
from shared.auth import Viewer, hash_key
from shared.cache import connect_redis
from shared.limits import MemoryRateLimiter, RateVerdict, RedisRateLimiter, make_rate_limiter
from shared.problems import PROBLEM_MEDIA_TYPE
from shared.settings import CommonSettings
from tests.support.environment import ADMIN_KEY, indicators_settings

LIMIT = 1000


class Echo(BaseModel):
    text: str


def small_app(**overrides: object) -> FastAPI:
    settings = CommonSettings.model_validate({"admin_api_key": ADMIN_KEY, "log_level": "WARNING", **overrides})
    app = create_service_app(title="Test service", description="", settings=settings)

    @app.post("/v1/echo")
    def echo(body: Echo, _: Viewer) -> dict[str, int]:
        return {"length": len(body.text)}

    @app.post("/v1/raw")
    async def raw(request: Request) -> dict[str, int]:
        return {"length": len(await request.body())}

    return app


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(small_app(max_request_bytes=LIMIT), headers={"X-API-Key": ADMIN_KEY}) as test_client:
        yield test_client


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    return body


def test_a_body_within_the_limit_passes(client: TestClient) -> None:
    assert client.post("/v1/echo", json={"text": "x" * 500}).json() == {"length": 500}


def test_a_declared_length_over_the_limit_is_413_before_the_app_runs(client: TestClient) -> None:
    body = assert_problem(client.post("/v1/echo", json={"text": "x" * 2000}), 413)
    assert body["title"] == "Payload too large"
    assert str(body["type"]).endswith("/payload-too-large")
    assert str(LIMIT) in str(body["detail"])


def test_a_chunked_body_is_counted_as_it_streams(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 300

    response = client.post("/v1/raw", content=chunks())
    assert "content-length" not in response.request.headers
    body = assert_problem(response, 413)
    assert str(body["type"]).endswith("/payload-too-large")


def test_a_small_chunked_body_passes(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"x" * 300
        yield b"y" * 300

    assert client.post("/v1/raw", content=chunks()).json() == {"length": 600}


def test_chunked_json_over_the_limit_is_413_not_400(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(10):
            yield b"x" * 300
        yield b'"}'

    response = client.post("/v1/echo", content=chunks(), headers={"Content-Type": "application/json"})
    assert_problem(response, 413)


def test_the_413_keeps_the_request_id(client: TestClient) -> None:
    response = client.post("/v1/echo", json={"text": "x" * 2000}, headers={"X-Request-ID": "rid-413"})
    assert response.headers["X-Request-ID"] == "rid-413"


def test_the_indicator_import_keeps_its_own_smaller_file_limit(demo_sqlite_url: str) -> None:
    settings = indicators_settings(demo_sqlite_url, max_upload_bytes=2000, max_request_bytes=10_000)
    with TestClient(create_indicators_app(settings), headers={"X-API-Key": ADMIN_KEY}) as client:
        header = b"cluster_code,indicator_code,year,value\n"
        medium = header + b"SH-IC,C1.1,2024,5.0\n" * 200
        response = client.post("/v1/observations/import", files={"file": ("d.csv", medium)})
        assert "limit of 2000 bytes" in assert_problem(response, 413)["detail"]
        large = header + b"SH-IC,C1.1,2024,5.0\n" * 1000
        response = client.post("/v1/observations/import", files={"file": ("d.csv", large)})
        assert "limit of 10000 bytes" in assert_problem(response, 413)["detail"]


def test_memory_limiter_counts_per_subject_in_a_moving_window() -> None:
    limiter = MemoryRateLimiter(2, window_seconds=2)
    assert limiter.hit("a").allowed
    assert limiter.hit("a").allowed
    refused = limiter.hit("a")
    assert not refused.allowed
    assert refused.retry_after == 2  # when the first of the two leaves the window
    assert limiter.hit("b").allowed
    time.sleep(1.0)
    # A moving window: a second later (whatever the clock's turn of a second or minute) the two still count.
    assert limiter.hit("a") == RateVerdict(False, 1)
    time.sleep(1.05)
    assert limiter.hit("a").allowed


def test_retry_after_is_at_least_one_second() -> None:
    limiter = MemoryRateLimiter(1, window_seconds=2)
    assert limiter.hit("a").allowed
    time.sleep(1.3)
    assert limiter.hit("a") == RateVerdict(False, 1)  # 0.7 s left, said as 1 s


@pytest.fixture
def unreachable() -> Iterator[redis.Redis]:
    """A client of a Redis that is not there (made without connecting: the limiter only uses it per request)."""
    client = connect_redis("redis://127.0.0.1:1/0", socket_timeout=0.2)
    assert client is not None
    yield client
    client.close()


def test_a_limit_of_zero_disables_the_limiter(unreachable: redis.Redis) -> None:
    assert make_rate_limiter(None, 0, namespace="x") is None
    assert make_rate_limiter(unreachable, 0, namespace="x") is None
    assert isinstance(make_rate_limiter(None, 5, namespace="x"), MemoryRateLimiter)
    on_redis = make_rate_limiter(unreachable, 5, namespace="x")
    assert isinstance(on_redis, RedisRateLimiter)
    assert on_redis._storage.storage.connection_pool is unreachable.connection_pool  # the one client's pool


def test_redis_errors_let_requests_through(caplog: pytest.LogCaptureFixture, unreachable: redis.Redis) -> None:
    limiter = RedisRateLimiter(unreachable, 1, namespace="test")
    assert all(limiter.hit("a").allowed for _ in range(3))
    assert any("letting the request through" in r.message for r in caplog.records)


def test_the_redis_key_holds_the_key_hash_never_the_key(unreachable: redis.Redis) -> None:
    limiter = RedisRateLimiter(unreachable, 1, namespace="scoring-service")
    key = limiter.key(hash_key("amc_secret"))
    assert "amc_secret" not in key
    assert key == f"ratelimit:scoring-service/{hash_key('amc_secret')}/1/60/second"


class RecordingLimiter(MemoryRateLimiter):
    """Lets everything through and remembers the subject of every request."""

    def __init__(self) -> None:
        super().__init__(LIMIT)
        self.subjects: list[str] = []

    def hit(self, subject: str) -> RateVerdict:
        self.subjects.append(subject)
        return super().hit(subject)


def counted_as(raw_key: str, **settings: object) -> str:
    """The subject one request of `raw_key` is counted under, by an app with these settings (one replica)."""
    app = small_app(**settings)
    limiter = RecordingLimiter()
    app.state.rate_limiter = limiter
    with TestClient(app, headers={"X-API-Key": raw_key}) as client:
        assert client.post("/v1/echo", json={"text": "x"}).status_code == 200
    [subject] = limiter.subjects
    return subject


def test_a_key_is_counted_under_a_keyed_hash_never_its_sha256(unreachable: redis.Redis) -> None:
    plain = hashlib.sha256(ADMIN_KEY.encode()).hexdigest()
    subject = counted_as(ADMIN_KEY, key_hash_secret="first secret")
    redis_key = RedisRateLimiter(unreachable, 1, namespace="scoring-service").key(subject)
    assert plain not in redis_key
    assert ADMIN_KEY not in redis_key
    assert counted_as(ADMIN_KEY, key_hash_secret="first secret") == subject  # every replica: one budget
    assert counted_as(ADMIN_KEY, key_hash_secret="second secret") != subject
    # Without KEY_HASH_SECRET the secret is derived from ADMIN_API_KEY: still the same in every replica.
    derived = counted_as(ADMIN_KEY)
    assert derived == counted_as(ADMIN_KEY)
    assert plain not in derived
    assert derived != subject


def test_a_key_over_its_budget_gets_429_with_retry_after() -> None:
    with TestClient(small_app(rate_limit_per_minute=3), headers={"X-API-Key": ADMIN_KEY}) as client:
        for _ in range(3):
            assert client.post("/v1/echo", json={"text": "x"}).status_code == 200
        response = client.post("/v1/echo", json={"text": "x"})
        body = assert_problem(response, 429)
        assert str(body["type"]).endswith("/too-many-requests")
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        # Health checks need no key and are never counted.
        assert client.get("/healthz").status_code == 200


def test_keys_have_separate_budgets_and_unknown_keys_are_not_counted(demo_sqlite_url: str) -> None:
    settings = indicators_settings(demo_sqlite_url, rate_limit_per_minute=2)
    with TestClient(create_indicators_app(settings)) as client:
        viewer = client.post(
            "/v1/api-keys", json={"name": "v", "role": "viewer"}, headers={"X-API-Key": ADMIN_KEY}
        ).json()["key"]
        assert client.get("/v1/clusters", headers={"X-API-Key": ADMIN_KEY}).status_code == 200
        assert client.get("/v1/clusters", headers={"X-API-Key": ADMIN_KEY}).status_code == 429
        for _ in range(5):
            assert client.get("/v1/clusters", headers={"X-API-Key": "amc_unknown"}).status_code == 401
        assert client.get("/v1/clusters", headers={"X-API-Key": viewer}).status_code == 200
        assert client.get("/v1/clusters", headers={"X-API-Key": viewer}).status_code == 200
        assert client.get("/v1/clusters", headers={"X-API-Key": viewer}).status_code == 429


def test_rate_limit_off_by_setting() -> None:
    with TestClient(small_app(rate_limit_per_minute=0), headers={"X-API-Key": ADMIN_KEY}) as client:
        assert all(client.post("/v1/echo", json={"text": "x"}).status_code == 200 for _ in range(20))
