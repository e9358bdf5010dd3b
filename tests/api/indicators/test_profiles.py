"""Weight profiles: the demo's published profiles, immutability, new publications, the default switch, audit."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

# DOMAIN.md's starting criterion weights C1..C7 per category.
STARTING_WEIGHTS = {
    "basic": (0.12, 0.10, 0.10, 0.22, 0.22, 0.14, 0.10),
    "strategic": (0.14, 0.20, 0.14, 0.10, 0.10, 0.22, 0.10),
    "cutting_edge": (0.18, 0.12, 0.18, 0.06, 0.08, 0.10, 0.28),
}
NATIONAL = "National review panel (all 15 experts)"


def analyst(client: TestClient) -> dict[str, str]:
    return {"X-API-Key": client.post("/v1/api-keys", json={"name": "analyst", "role": "analyst"}).json()["key"]}


def republished(profile: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A create body with the content of a read profile."""
    read_only = {"id", "is_default", "published_at", "published_by"}
    return {k: v for k, v in profile.items() if k not in read_only} | changes


def test_demo_publishes_one_profile_per_panel_and_a_default(indicators_client: TestClient) -> None:
    summaries = indicators_client.get("/v1/weight-profiles").json()
    assert len(summaries) == 4
    assert [s["name"] for s in summaries if s["is_default"]] == [NATIONAL]
    assert summaries[0]["name"] == NATIONAL  # newest first
    assert sorted(s["category"] for s in summaries if s["category"]) == ["basic", "cutting_edge", "strategic"]
    assert "criteria" not in summaries[0]
    default = indicators_client.get("/v1/weight-profiles/default").json()
    assert default["name"] == NATIONAL
    assert (default["panel_id"], default["category"]) == (None, None)
    assert len({j["expert"] for j in default["judgments"]}) == 15
    assert len(default["judgments"]) == 15 * 8


@pytest.mark.parametrize("category", sorted(STARTING_WEIGHTS))
def test_category_profiles_land_near_the_starting_weights(indicators_client: TestClient, category: str) -> None:
    summary = indicators_client.get("/v1/weight-profiles", params={"category": category}).json()
    assert len(summary) == 1
    profile = indicators_client.get(f"/v1/weight-profiles/{summary[0]['id']}").json()
    assert (profile["method"], profile["aggregation"], profile["ri_table"]) == ("eigenvector", "aij", "saaty")
    weights = [c["weight"] for c in profile["criteria"]]
    assert [c["code"] for c in profile["criteria"]] == ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
    assert max(abs(w - s) for w, s in zip(weights, STARTING_WEIGHTS[category], strict=True)) <= 0.03
    assert math.fsum(weights) == pytest.approx(1, abs=1e-9)
    assert math.fsum(i["global_weight"] for i in profile["indicators"]) == pytest.approx(1, abs=1e-9)
    assert len(profile["indicators"]) == 30
    criterion_weight = {c["code"]: c["weight"] for c in profile["criteria"]}
    for indicator in profile["indicators"]:
        expected = criterion_weight[indicator["criterion"]] * indicator["local_weight"]
        assert indicator["global_weight"] == pytest.approx(expected)
    assert [n["node"] for n in profile["nodes"]] == ["goal", "C1", "C2", "C3", "C4", "C5", "C6", "C7"]
    for node in profile["nodes"]:
        assert len(node["experts"]) == 5
        assert all(expert["cr"] < 0.1 for expert in node["experts"])
        assert node["consistent"] is True
        assert 0 < node["consensus"] <= 1
    assert profile["consensus"] == profile["nodes"][0]["consensus"]
    assert {c["code"]: c["cr"] for c in profile["criteria"]} == {n["node"]: n["cr"] for n in profile["nodes"][1:]}


def test_a_profile_is_immutable(indicators_client: TestClient) -> None:
    profile = indicators_client.get("/v1/weight-profiles/default").json()
    url = f"/v1/weight-profiles/{profile['id']}"
    for method in ("PUT", "PATCH", "DELETE"):
        response = indicators_client.request(method, url, json=republished(profile, name="changed"))
        assert response.status_code == 405
        assert response.headers["content-type"] == "application/problem+json"
    assert indicators_client.get(url).json() == profile


def test_a_new_publication_is_a_new_profile(indicators_client: TestClient) -> None:
    headers = analyst(indicators_client)
    default = indicators_client.get("/v1/weight-profiles/default").json()
    created = indicators_client.post(
        "/v1/weight-profiles", json=republished(default, name="Second look"), headers=headers
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id"] != default["id"]
    assert body["is_default"] is False
    assert body["published_by"].startswith("analyst (key ")
    assert body["criteria"] == default["criteria"]
    assert indicators_client.get("/v1/weight-profiles/default").json()["id"] == default["id"]
    assert indicators_client.get("/v1/weight-profiles").json()[0]["id"] == body["id"]

    entry = indicators_client.get("/v1/audit", params={"action": "weight_profile.publish"}).json()[0]
    assert entry["entity_id"] == str(body["id"])
    assert entry["before"] is None
    assert entry["after"]["name"] == "Second look"
    assert entry["after"]["criteria"] == default["criteria"]


def test_publishing_with_make_default_moves_the_default(indicators_client: TestClient) -> None:
    default = indicators_client.get("/v1/weight-profiles/default").json()
    created = indicators_client.post(
        "/v1/weight-profiles", json=republished(default, name="New default", make_default=True)
    ).json()
    assert created["is_default"] is True
    assert indicators_client.get("/v1/weight-profiles/default").json()["id"] == created["id"]
    assert indicators_client.get(f"/v1/weight-profiles/{default['id']}").json()["is_default"] is False
    assert sum(s["is_default"] for s in indicators_client.get("/v1/weight-profiles").json()) == 1


def test_switching_the_default_is_for_analysts_and_audited(indicators_client: TestClient) -> None:
    summaries = indicators_client.get("/v1/weight-profiles").json()
    old = next(s for s in summaries if s["is_default"])
    basic = next(s for s in summaries if s["category"] == "basic")
    viewer = {"X-API-Key": indicators_client.post("/v1/api-keys", json={"name": "v", "role": "viewer"}).json()["key"]}
    assert indicators_client.post(f"/v1/weight-profiles/{basic['id']}/default", headers=viewer).status_code == 403

    switched = indicators_client.post(f"/v1/weight-profiles/{basic['id']}/default", headers=analyst(indicators_client))
    assert switched.status_code == 200
    assert switched.json()["is_default"] is True
    assert indicators_client.get("/v1/weight-profiles/default").json()["id"] == basic["id"]
    flags = {s["id"]: s["is_default"] for s in indicators_client.get("/v1/weight-profiles").json()}
    assert [k for k, v in flags.items() if v] == [basic["id"]]
    entry = indicators_client.get("/v1/audit", params={"action": "weight_profile.default"}).json()[0]
    assert entry["before"] == {"default_profile_id": old["id"]}
    assert entry["after"] == {"default_profile_id": basic["id"]}
    assert indicators_client.post("/v1/weight-profiles/999/default").status_code == 404


def test_only_analysts_publish(indicators_client: TestClient) -> None:
    default = indicators_client.get("/v1/weight-profiles/default").json()
    for role in ("viewer", "expert"):
        key = indicators_client.post("/v1/api-keys", json={"name": role, "role": role}).json()["key"]
        response = indicators_client.post("/v1/weight-profiles", json=republished(default), headers={"X-API-Key": key})
        assert response.status_code == 403


def test_weights_that_are_not_a_distribution_are_refused(indicators_client: TestClient) -> None:
    default = indicators_client.get("/v1/weight-profiles/default").json()
    heavier = [dict(i) for i in default["indicators"]]
    heavier[0]["global_weight"] += 0.01
    response = indicators_client.post("/v1/weight-profiles", json=republished(default, indicators=heavier))
    assert response.status_code == 422
    assert "indicators: the weights must sum to 1" in response.json()["detail"]

    negative = [dict(c) for c in default["criteria"]]
    negative[0]["weight"], negative[1]["weight"] = -0.1, negative[1]["weight"] + negative[0]["weight"] + 0.1
    response = indicators_client.post("/v1/weight-profiles", json=republished(default, criteria=negative))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "criteria", 0, "weight"]

    infinite = '{"name": "x", "criteria": [{"code": "C1", "weight": Infinity}], "indicators": []}'
    response = indicators_client.post(
        "/v1/weight-profiles", content=infinite, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "criteria", 0, "weight"]


def test_a_profile_must_cover_the_indicator_tree(indicators_client: TestClient) -> None:
    default = indicators_client.get("/v1/weight-profiles/default").json()
    renamed = [dict(i) for i in default["indicators"]]
    renamed[0]["code"] = "C1.9"
    response = indicators_client.post("/v1/weight-profiles", json=republished(default, indicators=renamed))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "indicators"]
    assert "C1.1" in response.json()["errors"][0]["msg"]

    moved = [dict(i) for i in default["indicators"]]
    moved[0]["criterion"] = "C2"
    response = indicators_client.post("/v1/weight-profiles", json=republished(default, indicators=moved))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "indicators", 0, "criterion"]

    response = indicators_client.post("/v1/weight-profiles", json=republished(default, panel_id=999))
    assert response.status_code == 422
    assert indicators_client.get("/v1/weight-profiles/12345").status_code == 404
