"""Every /v1 endpoint of every service refuses a request without a key (401) or with an unknown one; writes and
exports refuse a viewer (403)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

SERVICES = ["indicators_client", "scoring_client", "recommendations_client"]


def v1_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every operation the service documents under /v1, path parameters filled with 1."""
    paths = client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in paths.items()
        if path.startswith("/v1")
        for method in operations
    ]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("key", ["", "not-a-key"])
def test_no_or_unknown_key_is_refused_everywhere(service: str, key: str, request: pytest.FixtureRequest) -> None:
    client: TestClient = request.getfixturevalue(service)
    routes = v1_routes(client)
    assert len(routes) >= 2
    for method, path in routes:
        response = client.request(method, path, headers={"X-API-Key": key})
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_viewer_cannot_write_anywhere(
    indicators_client: TestClient, scoring_client: TestClient, recommendations_client: TestClient
) -> None:
    viewer = indicators_client.post("/v1/api-keys", json={"name": "reader", "role": "viewer"}).json()["key"]
    # Computation endpoints are reads (POST only to carry a body); every other write needs more than a viewer.
    compute = {"/v1/ahp/", "/v1/score", "/v1/compare", "/v1/sensitivity", "/v1/weights/", "/v1/rankings/"}
    for client in (indicators_client, scoring_client, recommendations_client):
        for method, path in v1_routes(client):
            if method in ("GET", "HEAD") or any(path.startswith(prefix) for prefix in compute):
                continue
            response = client.request(method, path, headers={"X-API-Key": viewer}, json={})
            assert response.status_code == 403, (method, path, response.status_code)


def test_a_viewer_cannot_export_anywhere(
    indicators_client: TestClient, scoring_client: TestClient, recommendations_client: TestClient
) -> None:
    """API.md: exporting is the analyst's, like importing; every documented export refuses a viewer key."""
    viewer = indicators_client.post("/v1/api-keys", json={"name": "reader", "role": "viewer"}).json()["key"]
    exports = [
        (client, method, path)
        for client in (indicators_client, scoring_client, recommendations_client)
        for method, path in v1_routes(client)
        if path.endswith("/export")
    ]
    assert {path for _, _, path in exports} >= {"/v1/observations/export", "/v1/rankings/export"}
    for client, method, path in exports:
        response = client.request(method, path, headers={"X-API-Key": viewer})
        assert response.status_code == 403, (method, path, response.status_code)
        assert response.headers["content-type"].startswith("application/problem+json")
