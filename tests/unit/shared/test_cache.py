"""The in-process cache, the cache keys, and the one read-through path (a body that does not decode is a miss)."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from pydantic import BaseModel, TypeAdapter

from services.scoring.rankings.service import RankingRequest, ranking_key
from shared.cache import MemoryCache, cache_key, make_cache, validated
from shared.clients import IndicatorsClient, dataset_key
from shared.clients import ranking_key as client_ranking_key
from shared.schemas.indicators import DatasetRead, DatasetVersion, PlatformState


class Thing(BaseModel):
    name: str
    n: int


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


class Producer:
    """A `produce` that counts its calls."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.calls = 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.body


def test_read_through_produces_once_then_reads() -> None:
    cache = MemoryCache()
    produce = Producer(b'{"n": 1}')
    assert cache.read_through("k", produce, ttl_seconds=60, decode=json.loads) == {"n": 1}
    assert cache.read_through("k", produce, ttl_seconds=60, decode=json.loads) == {"n": 1}
    assert produce.calls == 1
    assert cache.get("k") == b'{"n": 1}'


def test_a_cached_body_that_does_not_decode_is_a_miss_deleted_and_recomputed(caplog: pytest.LogCaptureFixture) -> None:
    adapter = TypeAdapter(Thing)
    for stale in (b"\x80 not json", b'{"name": "x"}', b'{"name": "x", "n": "many"}'):
        cache = MemoryCache()
        cache.set("k", stale, 60)  # a foreign, truncated or older-shaped body under the key
        produce = Producer(b'{"name": "x", "n": 2}')
        assert cache.read_through("k", produce, ttl_seconds=60, decode=adapter.validate_json) == Thing(name="x", n=2)
        assert produce.calls == 1
        assert cache.get("k") == b'{"name": "x", "n": 2}'  # replaced by the recomputed body
    assert any("does not decode" in r.message for r in caplog.records)


def test_a_body_served_as_bytes_is_validated_too() -> None:
    cache = MemoryCache()
    cache.set("k", b'{"name": "x"', 60)
    body = cache.read_through("k", Producer(b'{"name": "x", "n": 3}'), ttl_seconds=60, decode=validated(Thing))
    assert body == b'{"name": "x", "n": 3}'


def test_a_produced_body_that_does_not_decode_raises_and_is_not_stored() -> None:
    cache = MemoryCache()
    with pytest.raises(ValueError, match="validation error"):
        cache.read_through("k", Producer(b"{}"), ttl_seconds=60, decode=TypeAdapter(Thing).validate_json)
    assert cache.get("k") is None


def test_keep_returns_without_storing_and_turns_a_stored_value_into_a_miss() -> None:
    cache = MemoryCache()
    produce = Producer(b'{"name": "new", "n": 1}')
    decode = TypeAdapter(Thing).validate_json
    assert cache.read_through("k", produce, ttl_seconds=60, decode=decode, keep=lambda t: t.name == "old").n == 1
    assert cache.get("k") is None
    cache.set("k", b'{"name": "new", "n": 0}', 60)
    assert cache.read_through("k", produce, ttl_seconds=60, decode=decode, keep=lambda t: t.name == "new").n == 0
    assert cache.read_through("k", produce, ttl_seconds=60, decode=decode, keep=lambda t: t.n == 1).n == 1
    assert produce.calls == 2
    assert cache.get("k") == b'{"name": "new", "n": 1}'


def test_make_cache_is_in_process_without_a_client() -> None:
    assert isinstance(make_cache(None), MemoryCache)


# --- the clients' cached reads: keys from the platform state, never a query parameter ----------------------------

STATE = PlatformState(
    instance_id="db-1",
    catalog_version="cat-1",
    default_profile_id=4,
    datasets=[DatasetVersion(year=2023, version="v23"), DatasetVersion(year=2024, version="v24")],
)
CLUSTER = {"code": "SH-IC", "name": "n", "name_zh": "n", "province": "p", "industry": "i", "category": "basic"}


def dataset_body(version: str) -> dict[str, object]:
    return {"year": 2024, "version": version, "clusters": ["SH-IC"], "indicators": ["C1.1"], "values": [[1.0]]}


class Upstream:
    """A MockTransport handler answering GET /v1/clusters and /v1/datasets/2024, recording every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.dataset_version = "v24"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/v1/clusters":
            return httpx.Response(200, json=[CLUSTER])
        return httpx.Response(200, json=dataset_body(self.dataset_version))


def indicators_client(cache: MemoryCache) -> tuple[IndicatorsClient, Upstream]:
    upstream = Upstream()
    http = httpx.Client(base_url="http://indicators.test", transport=httpx.MockTransport(upstream))
    return IndicatorsClient("http://indicators.test", api_key="k", http=http, cache=cache), upstream


def test_the_key_comes_from_the_state_and_no_token_is_sent() -> None:
    client, upstream = indicators_client(MemoryCache())
    for _ in range(2):
        assert [c.code for c in client.clusters(state=STATE)] == ["SH-IC"]
        assert client.dataset(2024, version="v24").version == "v24"
    assert [r.url.path for r in upstream.requests] == ["/v1/clusters", "/v1/datasets/2024"]
    assert all(not r.url.query for r in upstream.requests), "a cache token travelled as a query parameter"
    client.clusters(state=STATE.model_copy(update={"catalog_version": "cat-2"}))
    client.clusters(state=STATE.model_copy(update={"instance_id": "db-2"}))
    client.clusters()  # without a state: fetched, neither keyed nor cached
    assert len(upstream.requests) == 5
    assert not upstream.requests[-1].url.query


def test_a_cached_body_of_another_shape_is_fetched_again() -> None:
    cache = MemoryCache()
    client, upstream = indicators_client(cache)
    cache.set(dataset_key(2024, "v24"), b'{"year": 2024, "version": "v24"}', 60)  # e.g. written by an older release
    assert client.dataset(2024, version="v24").values == [[1.0]]
    assert len(upstream.requests) == 1
    assert DatasetRead.model_validate_json(cache.get(dataset_key(2024, "v24")) or b"").values == [[1.0]]


def test_a_dataset_that_changed_meanwhile_is_returned_but_not_kept() -> None:
    cache = MemoryCache()
    client, upstream = indicators_client(cache)
    upstream.dataset_version = "v25"
    assert client.dataset(2024, version="v24").version == "v25"
    assert cache.get(dataset_key(2024, "v24")) is None
    client.dataset(2024, version="v24")
    assert len(upstream.requests) == 2


def test_a_client_reads_a_ranking_under_the_key_the_scoring_service_stores_it_under() -> None:
    request = RankingRequest(year=2024, profile_id=None, method="topsis", reference="fixed", category=None)
    stored = ranking_key(STATE, request)
    assert stored == client_ranking_key(
        STATE, year=2024, profile=None, method="topsis", reference="fixed", category=None
    )
    assert stored == client_ranking_key(STATE, year=2024, profile=4, method="topsis", reference="fixed", category=None)
    changed = STATE.model_copy(update={"datasets": [DatasetVersion(year=2023, version="new"), *STATE.datasets[1:]]})
    assert ranking_key(changed, request) != stored  # last year's data is an input too (rank changes)
