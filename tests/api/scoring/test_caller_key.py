"""The scoring service asks the indicator service with its caller's key, never its own or another caller's."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from fastapi.testclient import TestClient

from tests.support.environment import ADMIN_KEY


@dataclass(frozen=True)
class Seen:
    """A request as the indicator service received it."""

    path: str
    key: str | None
    request_id: str | None


def received(indicators_client: TestClient) -> list[Seen]:
    """The requests the indicator app receives from now on (the scoring app's client sends through this one)."""
    seen: list[Seen] = []

    def hook(request: httpx.Request) -> None:
        seen.append(Seen(request.url.path, request.headers.get("X-API-Key"), request.headers.get("X-Request-ID")))

    indicators_client.event_hooks["request"].append(hook)
    return seen


def viewer_key(indicators_client: TestClient, name: str) -> str:
    created = indicators_client.post("/v1/api-keys", json={"name": name, "role": "viewer"})
    assert created.status_code == 201, created.text
    key: str = created.json()["key"]
    return key


def test_a_ranking_reads_the_indicator_service_with_the_callers_key(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    viewer = viewer_key(indicators_client, "dashboard")
    seen = received(indicators_client)
    # A sync endpoint: it runs in the thread pool, which must see the key the middleware set.
    response = scoring_client.get("/v1/rankings", params={"year": 2024}, headers={"X-API-Key": viewer})
    assert response.status_code == 200, response.text
    assert {"/v1/state", "/v1/indicators", "/v1/clusters", "/v1/datasets/2024"} <= {s.path for s in seen}
    assert {s.key for s in seen} == {viewer}
    assert ADMIN_KEY not in {s.key for s in seen}


def test_the_what_if_and_the_comparison_read_with_the_callers_key(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    viewer = viewer_key(indicators_client, "analyst-page")
    seen = received(indicators_client)
    as_viewer = {"X-API-Key": viewer}
    candidates = [{"cluster_code": "XZ-MACHINERY", "indicator": "C5.1", "value": 68.5}]
    what_if = scoring_client.post(
        "/v1/rankings/what-if", json={"year": 2024, "candidates": candidates}, headers=as_viewer
    )
    assert what_if.status_code == 200, what_if.text
    compared = scoring_client.get("/v1/rankings/compare", params={"from": 2023, "to": 2024}, headers=as_viewer)
    assert compared.status_code == 200, compared.text
    assert {"/v1/state", "/v1/datasets/2023", "/v1/datasets/2024"} <= {s.path for s in seen}
    assert {s.key for s in seen} == {viewer}


def test_concurrent_callers_never_see_each_others_keys(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    keys = [viewer_key(indicators_client, f"viewer {k}") for k in range(8)]
    seen = received(indicators_client)
    start = threading.Barrier(len(keys))

    def rank(k: int) -> int:
        start.wait(timeout=30)
        response = scoring_client.get(
            "/v1/rankings",
            params={"year": 2022 + k % 3},
            headers={"X-API-Key": keys[k], "X-Request-ID": f"caller-{k}"},
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        assert list(pool.map(rank, range(len(keys)))) == [200] * len(keys)
    # The request id travels the same way as the key, so it tells which caller each upstream request served.
    for k, key in enumerate(keys):
        served = [s for s in seen if s.request_id == f"caller-{k}"]
        assert "/v1/state" in {s.path for s in served}
        assert {s.key for s in served} == {key}
    assert {s.request_id for s in seen} == {f"caller-{k}" for k in range(len(keys))}
