"""Faults with real processes: Redis and the indicator service killed and restarted under a running scoring service."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis

from shared.cache import RedisCache, connect_redis
from shared.clients import IndicatorsClient
from shared.clients import dataset_key as client_dataset_key
from shared.errors import UpstreamUnavailable
from tests.support.environment import ADMIN_KEY, unavailable
from tests.support.ports import free_port
from tests.support.processes import Managed, uvicorn
from tests.support.readiness import http_ok
from tests.support.redis import REDIS_SERVER, redis_ok, redis_server_command

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

PRIORITIES = {"matrix": [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]]}


@dataclass
class Stack:
    redis: Managed
    indicators: Managed
    scoring: Managed

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis.port}/0"

    @property
    def indicators_url(self) -> str:
        return f"http://127.0.0.1:{self.indicators.port}"

    @property
    def scoring_url(self) -> str:
        return f"http://127.0.0.1:{self.scoring.port}"


@pytest.fixture
def stack(demo_sqlite_url: str) -> Iterator[Stack]:
    yield from run_stack(demo_sqlite_url, indicators_redis=False)


@pytest.fixture
def shared_redis_stack(demo_sqlite_url: str) -> Iterator[Stack]:
    """The stack with the indicator service on Redis too: it publishes its state there, scoring reads it there."""
    yield from run_stack(demo_sqlite_url, indicators_redis=True)


def run_stack(demo_sqlite_url: str, *, indicators_redis: bool) -> Iterator[Stack]:
    if not os.path.exists(REDIS_SERVER):
        unavailable("redis-server", FileNotFoundError(REDIS_SERVER))
    redis_port, indicators_port, scoring_port = free_port(), free_port(), free_port()
    base_env = {
        **os.environ,
        "ADMIN_API_KEY": ADMIN_KEY,
        "ENV": "test",
        "LOG_LEVEL": "WARNING",
        "HTTP_TIMEOUT_SECONDS": "3",
        "PYTHONUNBUFFERED": "1",
    }
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    running = Stack(
        redis=Managed(
            "redis-server",
            redis_port,
            redis_server_command(redis_port),
            base_env,
            redis_ok(redis_url),
        ),
        indicators=Managed(
            "indicator service",
            indicators_port,
            uvicorn("services.indicators.main", indicators_port),
            {**base_env, "DATABASE_URL": demo_sqlite_url, **({"REDIS_URL": redis_url} if indicators_redis else {})},
            http_ok(f"http://127.0.0.1:{indicators_port}/readyz"),
        ),
        scoring=Managed(
            "scoring service",
            scoring_port,
            uvicorn("services.scoring.main", scoring_port),
            {**base_env, "REDIS_URL": redis_url, "INDICATORS_URL": f"http://127.0.0.1:{indicators_port}"},
            http_ok(f"http://127.0.0.1:{scoring_port}/healthz"),
        ),
    )
    try:
        for managed in (running.redis, running.indicators, running.scoring):
            managed.start()
        yield running
    finally:
        for managed in (running.scoring, running.indicators, running.redis):
            managed.stop()


def new_viewer_key(stack: Stack) -> str:
    response = httpx.post(
        stack.indicators_url + "/v1/api-keys",
        json={"name": f"viewer-{time.monotonic_ns()}", "role": "viewer"},
        headers={"X-API-Key": ADMIN_KEY},
        timeout=10,
    )
    response.raise_for_status()
    key: str = response.json()["key"]
    return key


def scoring_paths(stack: Stack) -> set[str]:
    return set(httpx.get(stack.scoring_url + "/openapi.json", timeout=10).json()["paths"])


def authenticated_scoring_call(stack: Stack, key: str) -> httpx.Response | None:
    """POST /v1/ahp/priorities with `key`: the scoring service checks the key with the indicator service."""
    if "/v1/ahp/priorities" not in scoring_paths(stack):
        return None
    return httpx.post(stack.scoring_url + "/v1/ahp/priorities", json=PRIORITIES, headers={"X-API-Key": key}, timeout=20)


def ranking(stack: Stack, key: str) -> httpx.Response | None:
    """GET /v1/rankings?year=2024, which reads from the indicator service through the cache (when it exists)."""
    if "/v1/rankings" not in scoring_paths(stack):
        return None
    return httpx.get(stack.scoring_url + "/v1/rankings", params={"year": 2024}, headers={"X-API-Key": key}, timeout=30)


def cache_keys(url: str) -> list[str]:
    """Keys of the read-through cache (not the rate limiter's counters)."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        return [k.decode() for k in client.scan_iter() if not k.startswith(b"ratelimit:")]
    finally:
        client.close()


def dataset_key(year: int, version: str) -> str:
    return client_dataset_key(year, version)


def ranking_results(response: httpx.Response) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.text
    return [(r["cluster_code"], r["rank"], r["score"]) for r in response.json()["results"]]


def test_scoring_keeps_answering_with_redis_down_and_caches_again_when_it_returns(stack: Stack) -> None:
    viewer = new_viewer_key(stack)
    redis_client = connect_redis(stack.redis_url)
    assert redis_client is not None
    client = IndicatorsClient(stack.indicators_url, api_key=ADMIN_KEY, cache=RedisCache(redis_client), timeout=5)
    try:
        version = client.dataset_version(2024).version
        expected = client.dataset(2024, version=version)
        assert dataset_key(2024, version) in cache_keys(stack.redis_url)
        ranked = ranking(stack, viewer)
        expected_ranking = ranking_results(ranked) if ranked is not None else None
        assert http_ok(stack.scoring_url + "/readyz")()

        stack.redis.stop(kill=True)
        assert not redis_ok(stack.redis_url)()

        started = time.monotonic()
        assert httpx.get(stack.scoring_url + "/readyz", timeout=10).status_code == 200
        assert client.dataset(2024, version=version) == expected
        fresh_viewer = new_viewer_key(stack)  # not yet known to scoring: checked with the indicator service now
        answered = authenticated_scoring_call(stack, fresh_viewer)
        if answered is not None:
            assert answered.status_code == 200, answered.text
            assert abs(sum(answered.json()["weights"]) - 1) < 1e-9
        ranked = ranking(stack, fresh_viewer)
        if ranked is not None:
            assert ranking_results(ranked) == expected_ranking
        assert time.monotonic() - started < 30, "Redis being down made the services slow"

        stack.redis.start()
        assert cache_keys(stack.redis_url) == []  # a new, empty Redis
        deadline = time.monotonic() + 10
        while dataset_key(2024, version) not in cache_keys(stack.redis_url):
            assert time.monotonic() < deadline, "the cache did not resume after Redis came back"
            assert client.dataset(2024, version=version) == expected
            time.sleep(0.2)
        if expected_ranking is not None:
            deadline = time.monotonic() + 10
            while not any(k.startswith("scoring:") for k in cache_keys(stack.redis_url)):
                assert time.monotonic() < deadline, "the scoring service did not cache again after Redis came back"
                ranked = ranking(stack, viewer)
                assert ranked is not None
                assert ranking_results(ranked) == expected_ranking
                time.sleep(0.2)
    finally:
        client.close()
        redis_client.close()


def test_indicator_service_down_then_back(stack: Stack) -> None:
    viewer = new_viewer_key(stack)
    client = IndicatorsClient(stack.indicators_url, api_key=ADMIN_KEY, timeout=3)
    try:
        before = client.dataset(2024)
        assert httpx.get(stack.scoring_url + "/readyz", timeout=10).status_code == 200

        stack.indicators.stop()

        started = time.monotonic()
        ready = httpx.get(stack.scoring_url + "/readyz", timeout=20)
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"
        assert ready.json()["checks"]["indicators"].startswith("unavailable")
        assert time.monotonic() - started < 15

        started = time.monotonic()
        with pytest.raises(UpstreamUnavailable, match="indicators"):
            client.dataset(2024)
        assert time.monotonic() - started < 15

        started = time.monotonic()
        answered = authenticated_scoring_call(stack, f"amc_never_seen_{uuid.uuid4().hex}")
        if answered is not None:
            # A key the scoring service has not seen cannot be checked now: 503 naming the upstream, never a 500.
            assert answered.status_code == 503, answered.text
            assert answered.headers["content-type"] == "application/problem+json"
            assert "indicators" in answered.json()["detail"]
        assert time.monotonic() - started < 15

        stack.indicators.start()

        assert httpx.get(stack.scoring_url + "/readyz", timeout=20).status_code == 200
        assert client.dataset(2024) == before
        answered = authenticated_scoring_call(stack, viewer)
        if answered is not None:
            assert answered.status_code == 200, answered.text
        ranked = ranking(stack, viewer)
        if ranked is not None:
            ranking_results(ranked)
    finally:
        client.close()


def import_value(stack: Stack, value: float) -> None:
    header = "cluster_code,indicator_code,year,value,source\n"
    response = httpx.post(
        stack.indicators_url + "/v1/observations/import",
        files={"file": ("d.csv", (header + f"SH-IC,C1.1,2024,{value},fault test\n").encode())},
        headers={"X-API-Key": ADMIN_KEY},
        timeout=20,
    )
    assert response.status_code == 200, response.text


def test_an_import_while_redis_refuses_writes_is_seen_by_rankings_at_once(shared_redis_stack: Stack) -> None:
    """Issue 16, item 7: Redis at maxmemory refuses the state publication; readers must not stay on the old one."""
    stack = shared_redis_stack
    viewer = new_viewer_key(stack)
    first = ranking(stack, viewer)
    assert first is not None
    assert first.status_code == 200, first.text
    old_version = first.json()["dataset_version"]
    control = redis.Redis.from_url(stack.redis_url)
    try:
        assert any(k.startswith(b"indicators:state:") for k in control.scan_iter()), "no state was published"
        control.config_set("maxmemory-policy", "noeviction")
        control.config_set("maxmemory", 1)
        with pytest.raises(redis.ResponseError, match="maxmemory"):
            control.set("probe", "x")

        import_value(stack, 6.123)
        started = time.monotonic()
        while True:
            answered = ranking(stack, viewer)
            assert answered is not None
            assert answered.status_code == 200, answered.text
            if answered.json()["dataset_version"] != old_version:
                break
            assert time.monotonic() - started < 2, "rankings kept serving the dataset of before the import"
            time.sleep(0.1)
    finally:
        control.config_set("maxmemory", 0)
        control.close()


def test_a_hung_indicator_service_is_a_quick_503_naming_it(stack: Stack) -> None:
    """Issue 16, item 8: the indicator service stopped mid-flight (SIGSTOP): no answer at all, sockets open."""
    assert stack.indicators.process is not None
    stack.indicators.process.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        ready = httpx.get(stack.scoring_url + "/readyz", timeout=30)
        assert ready.status_code == 503
        assert ready.json()["checks"]["indicators"].startswith("unavailable")
        assert time.monotonic() - started < 8, "readiness waited for several timeouts"

        started = time.monotonic()
        answered = httpx.get(
            stack.scoring_url + "/v1/rankings",
            params={"year": 2024},
            headers={"X-API-Key": f"amc_never_seen_{uuid.uuid4().hex}"},
            timeout=30,
        )
        assert answered.status_code == 503, answered.text
        assert answered.headers["content-type"] == "application/problem+json"
        assert "indicators service did not answer within" in answered.json()["detail"]
        assert time.monotonic() - started < 8, "the ranking waited for several timeouts"
    finally:
        stack.indicators.process.send_signal(signal.SIGCONT)
