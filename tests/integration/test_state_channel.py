"""The state tokens published in Redis: newer generations win, readers fall back to HTTP, imports publish."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from fastapi.testclient import TestClient

from services.indicators.main import create_app
from shared.cache import connect_redis
from shared.clients import IndicatorsClient
from shared.state_channel import FileStateChannel, RedisStateChannel, state_key
from tests.support.environment import ADMIN_KEY, indicators_settings

pytestmark = pytest.mark.integration


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    made = connect_redis(redis_url)
    assert made is not None
    yield made
    made.close()


def test_an_older_generation_never_replaces_a_newer_one(client: redis.Redis) -> None:
    channel = RedisStateChannel(client)
    instance = uuid.uuid4().hex
    channel.publish(instance, 5, b'{"g": 5}')
    channel.publish(instance, 3, b'{"g": 3}')
    assert channel.read(instance) == b'{"g": 5}'
    channel.publish(instance, 6, b'{"g": 6}')
    assert channel.read(instance) == b'{"g": 6}'
    assert 0 < client.pttl(state_key(instance)) <= 30_000
    assert channel.read(uuid.uuid4().hex) is None


def test_redis_down_is_a_miss_not_an_error() -> None:
    down = connect_redis("redis://127.0.0.1:1/0", socket_timeout=0.2)
    assert down is not None
    channel = RedisStateChannel(down)
    channel.publish("x", 1, b"{}")
    assert channel.read("x") is None
    down.close()


@pytest.fixture
def indicators_with_redis(demo_sqlite_url: str, redis_url: str) -> Iterator[TestClient]:
    app = create_app(indicators_settings(demo_sqlite_url, redis_url=redis_url))
    with TestClient(app, headers={"X-API-Key": ADMIN_KEY}) as client:
        yield client


def test_an_import_publishes_the_new_state_and_readers_use_it(indicators_with_redis: TestClient) -> None:
    calls: list[str] = []

    def count(request: httpx.Request) -> None:
        calls.append(request.url.path)

    indicators_with_redis.event_hooks["request"].append(count)
    client = IndicatorsClient("http://indicators", http=indicators_with_redis)
    # The indicator service's own client, as a reader in another process would have its own on the same Redis.
    client.state_channel = RedisStateChannel(indicators_with_redis.app.state.redis)  # type: ignore[attr-defined]
    first = client.state()
    assert calls == ["/v1/state"]
    published = json.loads(client.state_channel.read(first.instance_id) or b"{}")
    assert published["generation"] == first.generation

    again = client.state()
    assert again == first
    assert calls == ["/v1/state"], "the second read should come from Redis, not over HTTP"

    header = "cluster_code,indicator_code,year,value,source\n"
    response = indicators_with_redis.post(
        "/v1/observations/import", files={"file": ("d.csv", (header + "SH-IC,C1.1,2024,5.9,rev\n").encode())}
    )
    assert response.status_code == 200, response.text
    after = client.state()
    assert after.generation > first.generation
    assert after.version_of(2024) != first.version_of(2024)
    assert after.version_of(2023) == first.version_of(2023)
    assert calls.count("/v1/state") == 1, "the new state should have been published by the import itself"


def test_file_channel_keeps_the_newest_generation_and_expires(tmp_path: Path) -> None:
    channel = FileStateChannel(tmp_path / "state", ttl_seconds=30)
    assert channel.read("db") is None
    channel.publish("db", 5, b'{"g": 5}')
    channel.publish("db", 3, b'{"g": 3}')
    assert channel.read("db") == b'{"g": 5}'
    channel.publish("db", 5, b'{"g": 5, "again": true}')
    assert channel.read("db") == b'{"g": 5, "again": true}'
    stale = tmp_path / "state" / "state-db.json"
    os.utime(stale, (time.time() - 60, time.time() - 60))
    assert channel.read("db") is None


def test_file_channel_shared_by_an_indicator_service_and_a_reader(demo_sqlite_url: str, tmp_path: Path) -> None:
    app = create_app(indicators_settings(demo_sqlite_url, state_dir=tmp_path))
    with TestClient(app, headers={"X-API-Key": ADMIN_KEY}) as indicators:
        calls: list[str] = []
        indicators.event_hooks["request"].append(lambda request: calls.append(request.url.path))
        client = IndicatorsClient("http://indicators", http=indicators)
        client.state_channel = FileStateChannel(tmp_path)
        first = client.state()
        header = "cluster_code,indicator_code,year,value,source\n"
        imported = indicators.post(
            "/v1/observations/import", files={"file": ("d.csv", (header + "SH-IC,C1.1,2024,5.9,x\n").encode())}
        )
        assert imported.status_code == 200
        after = client.state()
        assert after.version_of(2024) != first.version_of(2024)
        assert calls.count("/v1/state") == 1


def test_a_published_state_that_does_not_validate_is_a_miss(indicators_with_redis: TestClient) -> None:
    calls: list[str] = []
    indicators_with_redis.event_hooks["request"].append(lambda request: calls.append(request.url.path))
    client = IndicatorsClient("http://indicators", http=indicators_with_redis)
    client.state_channel = RedisStateChannel(indicators_with_redis.app.state.redis)  # type: ignore[attr-defined]
    first = client.state()
    redis_client = indicators_with_redis.app.state.redis  # type: ignore[attr-defined]
    redis_client.hset(state_key(first.instance_id), "body", b'{"instance_id": 1')  # truncated, foreign, older
    assert client.state() == first
    assert calls == ["/v1/state", "/v1/state"], "a state that does not validate should be asked for over HTTP"
