"""Publishing a panel's judgments as a weight profile through the scoring service."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.indicators.models import Expert, Judgment


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


def make_gaps(indicators_client: TestClient, session: Session, panel_id: int) -> None:
    """BASIC-E2 loses its C3 judgment; BASIC-E3 judges the goal intransitively (C1 > C2 > C3 > C1)."""
    expert_id = session.scalars(select(Expert.id).where(Expert.code == "BASIC-E2")).one()
    session.execute(delete(Judgment).where(Judgment.expert_id == expert_id, Judgment.node == "C3"))
    session.commit()
    cycle = {(0, 1): 9, (1, 2): 9, (2, 0): 9, (1, 0): 1 / 9, (2, 1): 1 / 9, (0, 2): 1 / 9}
    matrix = [[1.0 if i == j else cycle.get((i, j), 1.0) for j in range(7)] for i in range(7)]
    written = indicators_client.put(
        f"/v1/panels/{panel_id}/experts/BASIC-E3/judgments/goal",
        json={"items": [f"C{k}" for k in range(1, 8)], "matrix": matrix, "version": 1},
    )
    assert written.status_code == 200, written.text


def publications(indicators_client: TestClient) -> list[dict[str, Any]]:
    response = indicators_client.get("/v1/audit", params={"action": "weight_profile.publish"})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


def default_id(indicators_client: TestClient, category: str | None = None) -> int:
    params = {} if category is None else {"category": category}
    response = indicators_client.get("/v1/weight-profiles/default", params=params)
    assert response.status_code == 200, response.text
    profile_id: int = response.json()["id"]
    return profile_id


def test_publish_with_gaps_is_refused_naming_each_one(
    scoring_client: TestClient, indicators_client: TestClient, indicators_session: Session
) -> None:
    panel_id = basic_panel_id(indicators_client)
    make_gaps(indicators_client, indicators_session, panel_id)
    before = len(indicators_client.get("/v1/weight-profiles").json())
    response = scoring_client.post(f"/v1/panels/{panel_id}/publish", json={"name": "gappy"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert {tuple(e["loc"]) for e in problem["errors"]} == {
        ("experts", "BASIC-E2", "C3"),
        ("experts", "BASIC-E3", "goal"),
    }
    assert "BASIC-E2, BASIC-E3" in problem["detail"]
    assert len(indicators_client.get("/v1/weight-profiles").json()) == before
    # Excluding only one of the two still leaves the other's gap.
    partial = scoring_client.post(f"/v1/panels/{panel_id}/publish", json={"name": "x", "exclude_experts": ["BASIC-E3"]})
    assert [e["loc"] for e in partial.json()["errors"]] == [["experts", "BASIC-E2", "C3"]]


def test_publish_with_a_reason_goes_ahead_and_keeps_it(
    scoring_client: TestClient, indicators_client: TestClient, indicators_session: Session
) -> None:
    panel_id = basic_panel_id(indicators_client)
    make_gaps(indicators_client, indicators_session, panel_id)
    reason = "E2 is abroad until May; E3 confirmed the cycle on purpose"
    response = scoring_client.post(
        f"/v1/panels/{panel_id}/publish", json={"name": "overridden", "override_reason": reason}
    )
    assert response.status_code == 201, response.text
    profile = response.json()
    assert profile["provenance"] == {"excluded_experts": [], "override_reason": reason, "round": 1}
    assert indicators_client.get(f"/v1/weight-profiles/{profile['id']}").json()["provenance"] == profile["provenance"]
    entry = publications(indicators_client)[0]
    assert entry["entity_id"] == str(profile["id"])
    assert entry["after"]["provenance"]["override_reason"] == reason


def test_excluded_experts_leave_the_aggregation_and_are_recorded(
    scoring_client: TestClient, indicators_client: TestClient, indicators_session: Session
) -> None:
    panel_id = basic_panel_id(indicators_client)
    everyone = scoring_client.post(f"/v1/panels/{panel_id}/publish", json={"name": "all five"}).json()
    make_gaps(indicators_client, indicators_session, panel_id)
    excluded = ["BASIC-E2", "BASIC-E3"]
    response = scoring_client.post(
        f"/v1/panels/{panel_id}/publish", json={"name": "three", "exclude_experts": excluded}
    )
    assert response.status_code == 201, response.text
    profile = response.json()
    assert profile["provenance"] == {"excluded_experts": excluded, "override_reason": None, "round": 1}
    assert {j["expert"] for j in profile["judgments"]} == {"BASIC-E1", "BASIC-E4", "BASIC-E5"}
    assert everyone["provenance"]["excluded_experts"] == []
    shifts = [abs(a["weight"] - b["weight"]) for a, b in zip(profile["criteria"], everyone["criteria"], strict=True)]
    assert max(shifts) > 1e-3
    assert abs(sum(c["weight"] for c in profile["criteria"]) - 1) < 1e-9
    entry = publications(indicators_client)[0]
    assert entry["entity_id"] == str(profile["id"])
    assert entry["after"]["provenance"]["excluded_experts"] == excluded


def test_exclusions_must_be_the_panels_experts_and_leave_one(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    panel_id = basic_panel_id(indicators_client)
    unknown = scoring_client.post(
        f"/v1/panels/{panel_id}/publish", json={"name": "x", "exclude_experts": ["BASIC-E1", "NOBODY"]}
    )
    assert unknown.status_code == 422
    assert [e["loc"] for e in unknown.json()["errors"]] == [["body", "exclude_experts", 1]]
    everyone = [f"BASIC-E{k}" for k in range(1, 6)]
    empty = scoring_client.post(f"/v1/panels/{panel_id}/publish", json={"name": "x", "exclude_experts": everyone})
    assert empty.status_code == 422
    assert [e["loc"] for e in empty.json()["errors"]] == [["body", "exclude_experts"]]


def test_publish_as_a_category_default(scoring_client: TestClient, indicators_client: TestClient) -> None:
    panel_id = basic_panel_id(indicators_client)
    overall = indicators_client.get("/v1/weight-profiles/default").json()
    response = scoring_client.post(f"/v1/panels/{panel_id}/publish", json={"name": "basic", "default_for": "basic"})
    assert response.status_code == 201, response.text
    profile = response.json()
    assert profile["is_default"] is False
    assert profile["default_categories"] == ["basic"]
    assert (
        indicators_client.get("/v1/weight-profiles/default", params={"category": "basic"}).json()["id"] == profile["id"]
    )
    assert (
        indicators_client.get("/v1/weight-profiles/default", params={"category": "strategic"}).json()["id"]
        == (overall["id"])
    )
    assert indicators_client.get("/v1/weight-profiles/default").json()["id"] == overall["id"]
    every = scoring_client.post(f"/v1/panels/{panel_id}/publish", json={"name": "every", "default_for": "all"}).json()
    assert every["is_default"] is True


def test_a_profile_becomes_one_categorys_default(indicators_client: TestClient) -> None:
    overall = indicators_client.get("/v1/weight-profiles/default").json()
    other = next(p for p in indicators_client.get("/v1/weight-profiles").json() if p["id"] != overall["id"])
    url = f"/v1/weight-profiles/{other['id']}/default"
    response = indicators_client.post(url, params={"category": "strategic"})
    assert response.status_code == 200, response.text
    assert response.json()["default_categories"] == ["strategic"]
    assert response.json()["is_default"] is False
    assert default_id(indicators_client, "strategic") == other["id"]
    assert default_id(indicators_client) == overall["id"]
    assert indicators_client.post(url, params={"category": "galactic"}).status_code == 422
    entry = indicators_client.get("/v1/audit", params={"action": "weight_profile.category_default"}).json()[0]
    assert entry["after"] == {"category": "strategic", "default_profile_id": other["id"]}
    # Without a category, the endpoint keeps making the overall default.
    assert indicators_client.post(url).json()["is_default"] is True
    assert default_id(indicators_client) == other["id"]
