"""Publishing a panel's judgments as a weight profile through the scoring service."""

from __future__ import annotations

from fastapi.testclient import TestClient


def basic_panel_id(indicators_client: TestClient) -> int:
    return next(p["id"] for p in indicators_client.get("/v1/panels").json() if p["category"] == "basic")


def test_publish_reproduces_the_demo_profile(scoring_client: TestClient, indicators_client: TestClient) -> None:
    panel_id = basic_panel_id(indicators_client)
    response = scoring_client.post(f"/v1/panels/{panel_id}/publish", json={"name": "Basic, again"})
    assert response.status_code == 201, response.text
    profile = response.json()
    demo = next(
        p
        for p in indicators_client.get("/v1/weight-profiles").json()
        if p["panel_id"] == panel_id and p["id"] != profile["id"]
    )
    demo_full = indicators_client.get(f"/v1/weight-profiles/{demo['id']}").json()
    assert [c["code"] for c in profile["criteria"]] == [f"C{i}" for i in range(1, 8)]
    for mine, theirs in zip(profile["indicators"], demo_full["indicators"], strict=True):
        assert abs(mine["global_weight"] - theirs["global_weight"]) < 1e-12
    assert abs(sum(i["global_weight"] for i in profile["indicators"]) - 1) < 1e-9
    assert profile["is_default"] is False


def test_a_changed_judgment_changes_the_next_profile(scoring_client: TestClient, indicators_client: TestClient) -> None:
    panel_id = basic_panel_id(indicators_client)
    first = scoring_client.post(f"/v1/panels/{panel_id}/publish", json={"name": "before"}).json()
    judgment = indicators_client.get(f"/v1/panels/{panel_id}/judgments", params={"node": "goal"}).json()[0]
    matrix = [[1.0 if i == j else (9.0 if i == 0 else (1 / 9 if j == 0 else 1.0)) for j in range(7)] for i in range(7)]
    written = indicators_client.put(
        f"/v1/panels/{panel_id}/experts/{judgment['expert_code']}/judgments/goal",
        json={"items": judgment["items"], "matrix": matrix, "version": judgment["version"]},
    )
    assert written.status_code == 200, written.text
    second = scoring_client.post(f"/v1/panels/{panel_id}/publish", json={"name": "after", "make_default": True}).json()
    assert second["id"] != first["id"]
    assert second["criteria"][0]["weight"] > first["criteria"][0]["weight"]
    assert scoring_client.get("/v1/rankings", params={"year": 2024}).json()["profile"] == second["id"]


def test_publish_needs_an_analyst(scoring_client: TestClient, indicators_client: TestClient) -> None:
    viewer = indicators_client.post("/v1/api-keys", json={"name": "v", "role": "viewer"}).json()["key"]
    response = scoring_client.post(
        f"/v1/panels/{basic_panel_id(indicators_client)}/publish", json={"name": "x"}, headers={"X-API-Key": viewer}
    )
    assert response.status_code == 403


def test_unknown_panel_is_a_404(scoring_client: TestClient) -> None:
    assert scoring_client.post("/v1/panels/999/publish", json={"name": "x"}).status_code == 404
