"""API keys: created by admins, shown once, stored as hashes, revoked at once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.indicators.models import ApiKey
from shared.auth import hash_key


def test_create_use_and_revoke_a_key(indicators_client: TestClient, indicators_session: Session) -> None:
    created = indicators_client.post("/v1/api-keys", json={"name": "dashboard", "role": "viewer"})
    assert created.status_code == 201
    body = created.json()
    assert body["role"] == "viewer"
    stored = indicators_session.scalars(select(ApiKey).where(ApiKey.id == body["id"])).one()
    assert stored.key_hash == hash_key(body["key"])
    assert body["key"] not in stored.key_hash

    as_viewer = {"X-API-Key": body["key"]}
    assert indicators_client.get("/v1/clusters", headers=as_viewer).status_code == 200
    assert indicators_client.get("/v1/api-keys/me", headers=as_viewer).json() == {
        "id": body["id"],
        "name": "dashboard",
        "role": "viewer",
    }
    assert indicators_client.delete(f"/v1/api-keys/{body['id']}").status_code == 204
    assert indicators_client.get("/v1/clusters", headers=as_viewer).status_code == 401


def test_a_viewer_cannot_create_keys_or_import(indicators_client: TestClient) -> None:
    key = indicators_client.post("/v1/api-keys", json={"name": "v", "role": "viewer"}).json()["key"]
    refused = indicators_client.post("/v1/api-keys", json={"name": "x", "role": "admin"}, headers={"X-API-Key": key})
    assert refused.status_code == 403
    assert "admin" in refused.json()["detail"]
    files = {"file": ("a.csv", b"cluster_code,indicator_code,year,value\n", "text/csv")}
    assert indicators_client.post("/v1/observations/import", files=files, headers={"X-API-Key": key}).status_code == 403


def test_unknown_role_is_a_422(indicators_client: TestClient) -> None:
    response = indicators_client.post("/v1/api-keys", json={"name": "x", "role": "king"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "role"]


def test_revoking_an_unknown_key_is_a_404(indicators_client: TestClient) -> None:
    assert indicators_client.delete("/v1/api-keys/9999").status_code == 404
