"""Statelessness of the scoring service (issue 8): two scoring processes share one Redis and one indicator service.

Real processes: a private redis-server, the indicator service on a copy of the demo SQLite database, and two scoring
services on their own ports, both with REDIS_URL pointing at that Redis. Shown:

- a ranking computed through scoring A is a cache hit through scoring B (same bytes, B computes nothing);
- a data change imported through the indicator service is seen by both at once: the very next call to each returns
  the new dataset version and the new scores.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis

from tests.support.environment import ADMIN_KEY, unavailable
from tests.support.ports import free_port
from tests.support.processes import Managed, uvicorn
from tests.support.readiness import http_ok
from tests.support.redis import REDIS_SERVER, redis_ok, redis_server_command

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
RANKING = {"year": 2024}


@dataclass
class ScaleOut:
    redis: Managed
    indicators: Managed
    scoring_a: Managed
    scoring_b: Managed

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis.port}/0"


@pytest.fixture
def scale_out(demo_sqlite_url: str) -> Iterator[ScaleOut]:
    if not os.path.exists(REDIS_SERVER):
        unavailable("redis-server", FileNotFoundError(REDIS_SERVER))
    redis_port, indicators_port, port_a, port_b = free_port(), free_port(), free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    indicators_url = f"http://127.0.0.1:{indicators_port}"
    base_env = {
        **os.environ,
        "ADMIN_API_KEY": ADMIN_KEY,
        "ENV": "test",
        "LOG_LEVEL": "WARNING",
        "HTTP_TIMEOUT_SECONDS": "10",
        "PYTHONUNBUFFERED": "1",
    }
    scoring_env = {**base_env, "REDIS_URL": redis_url, "INDICATORS_URL": indicators_url}
    running = ScaleOut(
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
            {**base_env, "DATABASE_URL": demo_sqlite_url, "REDIS_URL": redis_url},
            http_ok(f"{indicators_url}/readyz"),
        ),
        scoring_a=Managed(
            "scoring service A",
            port_a,
            uvicorn("services.scoring.main", port_a),
            scoring_env,
            http_ok(f"http://127.0.0.1:{port_a}/readyz"),
        ),
        scoring_b=Managed(
            "scoring service B",
            port_b,
            uvicorn("services.scoring.main", port_b),
            scoring_env,
            http_ok(f"http://127.0.0.1:{port_b}/readyz"),
        ),
    )
    try:
        for managed in (running.redis, running.indicators, running.scoring_a, running.scoring_b):
            managed.start()
        yield running
    finally:
        for managed in (running.scoring_b, running.scoring_a, running.indicators, running.redis):
            managed.stop()


@pytest.fixture
def redis_client(scale_out: ScaleOut) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(scale_out.redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def viewer_key(scale_out: ScaleOut) -> str:
    """A viewer key of its own, as another system would use: both scoring processes resolve it upstream."""
    response = httpx.post(
        scale_out.indicators.url + "/v1/api-keys",
        json={"name": "scale-out viewer", "role": "viewer"},
        headers={"X-API-Key": ADMIN_KEY},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def ranking(service: Managed, key: str) -> httpx.Response:
    response = httpx.get(service.url + "/v1/rankings", params=RANKING, headers={"X-API-Key": key}, timeout=TIMEOUT)
    assert response.status_code == 200, f"{service.name}: {response.text}"
    return response


def keys(client: redis.Redis, pattern: str) -> set[str]:
    return {k.decode() for k in client.scan_iter(match=pattern, count=1000)}


def set_calls(client: redis.Redis) -> int:
    """How many SET commands Redis has run: the read-through cache's only way of storing anything."""
    stats: dict[str, Any] = client.info("commandstats")
    return int(stats.get("cmdstat_set", {}).get("calls", 0))


def indicators_get(scale_out: ScaleOut, path: str) -> Any:
    response = httpx.get(scale_out.indicators.url + path, headers={"X-API-Key": ADMIN_KEY}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def scores(body: dict[str, Any]) -> dict[str, float]:
    return {row["cluster_code"]: row["score"] for row in body["results"]}


def test_a_ranking_computed_through_one_process_is_a_cache_hit_through_the_other(
    scale_out: ScaleOut, redis_client: redis.Redis, viewer_key: str
) -> None:
    assert keys(redis_client, "scoring:ranking:*") == set()

    from_a = ranking(scale_out.scoring_a, viewer_key)

    ranking_keys = keys(redis_client, "scoring:ranking:*")
    assert len(ranking_keys) == 1, ranking_keys
    (ranking_key,) = ranking_keys
    assert redis_client.get(ranking_key) == from_a.content
    # Positive control: computing the ranking read the year's dataset through the shared read-through cache, which
    # stored it under `indicators:dataset:*`. Any computation of this ranking must read that dataset again.
    assert keys(redis_client, "indicators:dataset:*"), "computing a ranking did not go through the shared cache"

    # Take away everything a computation could reuse (datasets, tree, clusters, profile) and keep only the ranking.
    # If B computed the ranking, its read-through reads would put `indicators:*` keys back and issue SETs; a cache
    # hit is one GET of the ranking key and no SET at all. The ranking key's idle time (reset by any read of it)
    # shows that B read exactly that key. Three signals that do not depend on timing or on log output.
    # The indicator service's published state (`indicators:state:*`) stays: it is how both processes learn the
    # current dataset versions without asking over HTTP, and it is what a cached answer is checked against.
    state_keys = keys(redis_client, "indicators:state:*")
    assert state_keys, "the indicator service did not publish its state in Redis"
    removed = keys(redis_client, "indicators:*") - state_keys
    assert redis_client.delete(*removed) == len(removed)
    time.sleep(2.5)
    idle_before = redis_client.object("idletime", ranking_key)
    assert idle_before is not None
    assert int(idle_before) >= 2
    sets_before = set_calls(redis_client)

    from_b = ranking(scale_out.scoring_b, viewer_key)

    assert from_b.content == from_a.content, "scoring B did not answer with the bytes scoring A cached"
    assert set_calls(redis_client) == sets_before, "scoring B stored something: it computed instead of reading"
    assert keys(redis_client, "indicators:*") == state_keys, "scoring B read the indicator data: it recomputed"
    assert keys(redis_client, "scoring:ranking:*") == {ranking_key}
    idle_after = redis_client.object("idletime", ranking_key)
    assert idle_after is not None
    assert int(idle_after) <= 1, "scoring B did not read the ranking A cached"

    # Each process talks to Redis through its one client, named after its service (cache, state channel and rate
    # limiter alike): apart from this test's own connection, every connection open is one of those.
    own = redis_client.client_id()
    names = [entry["name"] for entry in redis_client.client_list() if int(entry["id"]) != own]
    assert names, "no service is connected to Redis"
    assert set(names) <= {"indicator-service", "scoring-service"}, names


def test_a_data_change_is_seen_by_both_processes_at_once(
    scale_out: ScaleOut, redis_client: redis.Redis, viewer_key: str
) -> None:
    before_a = ranking(scale_out.scoring_a, viewer_key).json()
    before_b = ranking(scale_out.scoring_b, viewer_key).json()
    assert before_a == before_b
    old_version = before_a["dataset_version"]

    # Change the value the default profile weighs most, for the cluster ranked first, to the other end of its
    # reference range: its fixed-reference score must move.
    profile = indicators_get(scale_out, "/v1/weight-profiles/default")
    heaviest = max(profile["indicators"], key=lambda i: i["global_weight"])["code"]
    assert max(i["global_weight"] for i in profile["indicators"]) > 0
    tree = indicators_get(scale_out, "/v1/indicators")
    indicator = next(i for c in tree for i in c["children"] if i["code"] == heaviest)
    dataset = indicators_get(scale_out, "/v1/datasets/2024")
    cluster = before_a["results"][0]["cluster_code"]
    current = dataset["values"][dataset["clusters"].index(cluster)][dataset["indicators"].index(heaviest)]
    middle = (indicator["ref_min"] + indicator["ref_max"]) / 2
    new_value = indicator["ref_min"] if current is None or current > middle else indicator["ref_max"]
    shown = str(int(round(new_value))) if indicator["integer"] else repr(float(new_value))
    csv = f"cluster_code,indicator_code,year,value\n{cluster},{heaviest},2024,{shown}\n"
    imported = httpx.post(
        scale_out.indicators.url + "/v1/observations/import",
        params={"dry_run": "false"},
        files={"file": ("change.csv", io.BytesIO(csv.encode()), "text/csv")},
        headers={"X-API-Key": ADMIN_KEY},
        timeout=TIMEOUT,
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["updated"] + imported.json()["inserted"] == 1
    new_version = next(d["version"] for d in indicators_get(scale_out, "/v1/state")["datasets"] if d["year"] == 2024)
    assert new_version != old_version

    # The very next call to each process, with no wait in between.
    after_a = ranking(scale_out.scoring_a, viewer_key)
    after_b = ranking(scale_out.scoring_b, viewer_key)

    for body in (after_a.json(), after_b.json()):
        assert body["dataset_version"] == new_version
        assert scores(body)[cluster] != pytest.approx(scores(before_a)[cluster], abs=1e-12)
    assert after_b.content == after_a.content
    # One ranking per dataset version in the shared cache: A computed the new one and B read it.
    assert len(keys(redis_client, "scoring:ranking:*")) == 2
