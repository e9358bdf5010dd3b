"""Clusters, the indicator tree, datasets and auth of the indicator service, through its ASGI app."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_every_v1_endpoint_needs_a_key(indicators_client: TestClient) -> None:
    response = indicators_client.get("/v1/clusters", headers={"X-API-Key": ""})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 401
    assert indicators_client.get("/v1/clusters", headers={"X-API-Key": "nope"}).status_code == 401


def test_health_and_docs_need_no_key(indicators_client: TestClient) -> None:
    assert indicators_client.get("/healthz", headers={"X-API-Key": ""}).json() == {"status": "ok"}
    assert indicators_client.get("/readyz", headers={"X-API-Key": ""}).json()["checks"] == {"database": "ok"}
    assert "paths" in indicators_client.get("/openapi.json", headers={"X-API-Key": ""}).json()


def test_clusters_have_the_contract_fields_and_three_categories(indicators_client: TestClient) -> None:
    clusters = indicators_client.get("/v1/clusters").json()
    assert len(clusters) >= 30
    for cluster in clusters:
        assert {"code", "name", "name_zh", "province", "industry", "category"} <= cluster.keys()
    assert {c["category"] for c in clusters} == {"basic", "strategic", "cutting_edge"}
    basic = indicators_client.get("/v1/clusters", params={"category": "basic"}).json()
    assert basic
    assert all(c["category"] == "basic" for c in basic)


def test_indicator_tree_has_seven_criteria_and_thirty_indicators(indicators_client: TestClient) -> None:
    tree = indicators_client.get("/v1/indicators").json()
    assert [c["code"] for c in tree] == [f"C{i}" for i in range(1, 8)]
    leaves = [i for c in tree for i in c["children"]]
    assert len(leaves) == 30
    assert {i["code"] for i in leaves if i["direction"] == "cost"} == {"C5.4", "C6.5"}
    assert all(i["unit"] and i["name_zh"] for i in leaves)


def test_dataset_matrix_etag_and_304(indicators_client: TestClient) -> None:
    response = indicators_client.get("/v1/datasets/2024")
    assert response.status_code == 200
    body = response.json()
    assert body["synthetic"] is True
    assert len(body["values"]) == len(body["clusters"]) >= 30
    assert all(len(row) == len(body["indicators"]) == 30 for row in body["values"])
    assert response.headers["etag"] == f'"{body["version"]}"'
    again = indicators_client.get("/v1/datasets/2024", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    stale = indicators_client.get("/v1/datasets/2024", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200


def test_missing_cells_are_null_in_the_dataset(indicators_client: TestClient) -> None:
    body = indicators_client.get("/v1/datasets/2024").json()
    row = body["clusters"].index("CD-SOFTWARE")
    assert body["values"][row][body["indicators"].index("C7.2")] is None


def test_unknown_year_is_a_404_problem(indicators_client: TestClient) -> None:
    response = indicators_client.get("/v1/datasets/1999")
    assert response.status_code == 404
    assert "1999" in response.json()["detail"]


def test_bad_path_parameter_is_a_422_problem(indicators_client: TestClient) -> None:
    response = indicators_client.get("/v1/datasets/twenty")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["loc"] == ["path", "year"]


def test_request_id_is_echoed(indicators_client: TestClient) -> None:
    response = indicators_client.get("/v1/clusters", headers={"X-Request-ID": "abc123"})
    assert response.headers["x-request-id"] == "abc123"


def test_cluster_update_is_audited_with_before_and_after(indicators_client: TestClient) -> None:
    cluster = indicators_client.get("/v1/clusters/FS-HOME").json()
    changed = {**cluster, "category": "strategic"}
    assert indicators_client.put("/v1/clusters/FS-HOME", json=changed).json()["category"] == "strategic"
    entry = indicators_client.get("/v1/audit", params={"action": "cluster.update"}).json()[0]
    assert entry["before"]["category"] == "basic"
    assert entry["after"]["category"] == "strategic"
