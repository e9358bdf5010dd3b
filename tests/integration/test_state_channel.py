"""The state tokens published in Redis: newer generations win, readers fall back to HTTP, imports publish."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
import redis
from fastapi.testclient import TestClient

from services.indicators.main import create_app
from shared.clients import IndicatorsClient
from shared.state_channel import StateChannel, state_key
from tests.conftest import ADMIN_KEY, indicators_settings

pytestmark = pytest.mark.integration


def test_an_older_generation_never_replaces_a_newer_one(redis_url: str) -> None:
    channel = StateChannel(redis_url)
    instance = uuid.uuid4().hex
    channel.publish(instance, 5, b'{"g": 5}')
    channel.publish(instance, 3, b'{"g": 3}')
    assert channel.read(instance) == b'{"g": 5}'
    channel.publish(instance, 6, b'{"g": 6}')
    assert channel.read(instance) == b'{"g": 6}'
    assert 0 < redis.Redis.from_url(redis_url).pttl(state_key(instance)) <= 30_000
    assert channel.read(uuid.uuid4().hex) is None
    channel.close()


def test_redis_down_is_a_miss_not_an_error() -> None:
    channel = StateChannel("redis://127.0.0.1:1/0", socket_timeout=0.2)
    channel.publish("x", 1, b"{}")
    assert channel.read("x") is None


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
    client.state_channel = StateChannel(indicators_with_redis.app.state.settings.redis_url)  # type: ignore[attr-defined]
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
