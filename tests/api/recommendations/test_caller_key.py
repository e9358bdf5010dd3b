"""The recommendation service asks scoring and indicators with its caller's key, and scoring passes it on."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient


def received(client: TestClient) -> list[tuple[str, str | None]]:
    """Path and key of each request that `client`'s app receives from now on."""
    calls: list[tuple[str, str | None]] = []

    def hook(request: httpx.Request) -> None:
        calls.append((request.url.path, request.headers.get("X-API-Key")))

    client.event_hooks["request"].append(hook)
    return calls


def test_a_recommendation_reads_every_upstream_with_the_callers_key(
    recommendations_client: TestClient, scoring_client: TestClient, indicators_client: TestClient
) -> None:
    viewer = indicators_client.post("/v1/api-keys", json={"name": "dashboard", "role": "viewer"}).json()["key"]
    to_scoring, to_indicators = received(scoring_client), received(indicators_client)
    response = recommendations_client.get(
        "/v1/recommendations/XZ-MACHINERY", params={"year": 2024}, headers={"X-API-Key": viewer}
    )
    assert response.status_code == 200, response.text
    assert {"/v1/rankings", "/v1/rankings/what-if"} <= {path for path, _ in to_scoring}
    # From the recommendation service and, on its behalf, from the scoring service.
    assert {"/v1/state", "/v1/datasets/2024"} <= {path for path, _ in to_indicators}
    assert {key for _, key in to_scoring + to_indicators} == {viewer}
