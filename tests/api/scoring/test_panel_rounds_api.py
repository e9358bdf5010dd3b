"""Delphi rounds seen from the scoring service: publishing reads the open round; consensus and CR per round."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.indicators.models import Expert, Judgment
from shared.clients import IndicatorsClient, ScoringClient
from shared.errors import Forbidden, NotFound
from shared.schemas.panels import JudgmentWrite, RoundsSummaryRequest


def basic_panel(indicators_client: TestClient) -> int:
    return int(next(p["id"] for p in indicators_client.get("/v1/panels").json() if p["category"] == "basic"))


def revise_goal(indicators_client: TestClient, panel_id: int, expert: str, c1_over_c2: float) -> dict[str, Any]:
    """Change one pair of the expert's goal judgment in the open round (C1 over C2, its reciprocal following)."""
    url = f"/v1/panels/{panel_id}/experts/{expert}/judgments/goal"
    current = indicators_client.get(url).json()
    i, j = current["items"].index("C1"), current["items"].index("C2")
    matrix = [list(row) for row in current["matrix"]]
    matrix[i][j], matrix[j][i] = c1_over_c2, 1 / c1_over_c2
    body = {"items": current["items"], "matrix": matrix, "version": current["version"], "round": current["round"]}
    written = indicators_client.put(url, json=body)
    assert written.status_code == 200, written.text
    return dict(written.json())


def test_publishing_uses_the_open_round(scoring_client: TestClient, indicators_client: TestClient) -> None:
    pid = basic_panel(indicators_client)
    assert indicators_client.post(f"/v1/panels/{pid}/rounds").status_code == 201
    revised = revise_goal(indicators_client, pid, "BASIC-E1", 7.0)
    published = scoring_client.post(
        f"/v1/panels/{pid}/publish", json={"name": "Round 2", "override_reason": "revised in round 2"}
    )
    assert published.status_code == 201, published.text
    profile = published.json()
    assert profile["provenance"]["round"] == 2
    used = next(j for j in profile["judgments"] if j["expert"] == "BASIC-E1" and j["node"] == "goal")
    assert used["matrix"] == revised["matrix"]
    assert used["version"] == revised["version"]
    first = indicators_client.get(f"/v1/panels/{pid}/experts/BASIC-E1/judgments/goal", params={"round": 1}).json()
    assert first["matrix"] != revised["matrix"]


def tree_order(indicators_client: TestClient) -> dict[str, list[str]]:
    tree = indicators_client.get("/v1/indicators").json()
    return {"goal": [c["code"] for c in tree], **{c["code"]: [i["code"] for i in c["children"]] for c in tree}}


def group_of(
    scoring_client: TestClient, judgments: list[dict[str, Any]], node: str, children: list[str]
) -> dict[str, Any]:
    """POST /v1/ahp/group on the node's judgments, rows and columns in tree order."""
    matrices = []
    for j in judgments:
        if j["node"] != node:
            continue
        order = [j["items"].index(code) for code in children]
        matrices.append({"expert": j["expert_code"], "matrix": [[j["matrix"][a][b] for b in order] for a in order]})
    response = scoring_client.post("/v1/ahp/group", json={"judgments": matrices})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_consensus_and_cr_per_round(scoring_client: TestClient, indicators_client: TestClient) -> None:
    pid = basic_panel(indicators_client)
    before = scoring_client.post(f"/v1/panels/{pid}/rounds/summary", json={})
    assert before.status_code == 200, before.text
    assert [(r["round"], r["status"]) for r in before.json()["rounds"]] == [(1, "open")]

    assert indicators_client.post(f"/v1/panels/{pid}/rounds").status_code == 201
    revise_goal(indicators_client, pid, "BASIC-E3", 9.0)
    summary = scoring_client.post(f"/v1/panels/{pid}/rounds/summary", json={}).json()
    assert (summary["method"], summary["aggregation"], summary["ri_table"]) == ("eigenvector", "aij", "saaty")
    assert [(r["round"], r["status"]) for r in summary["rounds"]] == [(1, "closed"), (2, "open")]
    # A closed round's result is what it was while it was open.
    assert summary["rounds"][0]["nodes"] == before.json()["rounds"][0]["nodes"]

    tree = tree_order(indicators_client)
    judged = ["goal", *(c for c in tree["goal"] if len(tree[c]) > 1)]
    for number, result in zip((1, 2), summary["rounds"], strict=True):
        assert [n["node"] for n in result["nodes"]] == judged
        assert result["unjudged"] == []
        judgments = indicators_client.get(f"/v1/panels/{pid}/judgments", params={"round": number}).json()
        for node in result["nodes"]:
            children = tree[node["node"]]
            group = group_of(scoring_client, judgments, node["node"], children)
            assert node["weights"] == pytest.approx(dict(zip(children, group["weights"], strict=True)), abs=1e-12)
            for key in ("cr", "consensus", "ahp_consensus"):
                assert node[key] == pytest.approx(group[key], abs=1e-12), key
            assert node["consensus_band"] == group["consensus_band"]
            for mine, theirs in zip(node["experts"], group["experts"], strict=True):
                assert mine["expert"] == theirs["expert"]
                assert list(mine["weights"].values()) == pytest.approx(theirs["weights"], abs=1e-12)
                distance = sum(abs(a - b) for a, b in zip(theirs["weights"], group["weights"], strict=True)) / 2
                assert mine["distance"] == pytest.approx(distance, abs=1e-12)
                expected = most_different(judgments, mine["expert"], node["node"], children, group)
                assert [(p["first"], p["second"]) for p in mine["most_different"]] == expected

    goal_before, goal_after = (r["nodes"][0] for r in summary["rounds"])
    e3 = [next(e for e in g["experts"] if e["expert"] == "BASIC-E3") for g in (goal_before, goal_after)]
    assert e3[1]["distance"] > e3[0]["distance"]
    assert (e3[1]["most_different"][0]["first"], e3[1]["most_different"][0]["second"]) == ("C1", "C2")
    assert e3[1]["most_different"][0]["expert"] == 9.0

    only = scoring_client.post(f"/v1/panels/{pid}/rounds/summary", json={"round": 1}).json()
    assert only["rounds"] == summary["rounds"][:1]


def most_different(
    judgments: list[dict[str, Any]], expert: str, node: str, children: list[str], group: dict[str, Any]
) -> list[tuple[str, str]]:
    """The expert's given judgments ranked by |ln(expert / group)|, at most 3, leaving out those that agree."""
    mine = next(j for j in judgments if j["expert_code"] == expert and j["node"] == node)
    gaps = []
    for a in range(len(children)):
        for b in range(a + 1, len(children)):
            value = mine["matrix"][mine["items"].index(children[a])][mine["items"].index(children[b])]
            if value is not None:
                gap = abs(math.log(value) - math.log(group["aggregated_matrix"][a][b]))
                if gap > 1e-12:
                    gaps.append((-gap, a * len(children) + b, (children[a], children[b])))
    return [pair for _, _, pair in sorted(gaps)[:3]]


def test_round_summaries_need_an_analyst_or_an_expert_of_the_panel(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    pid = basic_panel(indicators_client)
    for role in ("viewer", "expert"):  # the expert's key is linked to nobody
        key = indicators_client.post("/v1/api-keys", json={"name": role, "role": role}).json()["key"]
        refused = scoring_client.post(f"/v1/panels/{pid}/rounds/summary", json={}, headers={"X-API-Key": key})
        assert refused.status_code == 403, role
    assert scoring_client.post("/v1/panels/999/rounds/summary", json={}).status_code == 404
    unknown_round = scoring_client.post(f"/v1/panels/{pid}/rounds/summary", json={"round": 7})
    assert unknown_round.status_code == 404
    assert unknown_round.headers["content-type"].startswith("application/problem+json")
    assert scoring_client.post(f"/v1/panels/{pid}/rounds/summary", json={"round": 0}).status_code == 422


def test_the_typed_clients_reach_every_round_endpoint(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    indicators = IndicatorsClient("http://indicators", http=indicators_client)
    scoring = ScoringClient("http://scoring", http=scoring_client)
    pid = basic_panel(indicators_client)
    assert [(r.round, r.status) for r in indicators.panel_rounds(pid)] == [(1, "open")]
    opened = indicators.close_round(pid)
    assert (opened.round, opened.status) == (2, "open")
    old = indicators.judgment(pid, "BASIC-E2", "goal", round_number=1)
    new = indicators.judgment(pid, "BASIC-E2", "goal")
    assert (old.round, new.round, old.matrix) == (1, 2, new.matrix)
    with pytest.raises(Exception, match="round 1") as refused:
        indicators.write_judgment(
            pid, "BASIC-E2", "goal", JudgmentWrite(items=old.items, matrix=old.matrix, version=old.version, round=1)
        )
    assert refused.type.__name__ == "Conflict"
    assert len(indicators.panel_judgments(pid, round_number=1)) == 40
    summary = scoring.panel_rounds_summary(pid, RoundsSummaryRequest(round=2))
    assert [r.round for r in summary.rounds] == [2]
    with pytest.raises(NotFound):
        indicators.panel_rounds(999)
    viewer = indicators_client.post("/v1/api-keys", json={"name": "v", "role": "viewer"}).json()["key"]
    with pytest.raises(Forbidden):
        indicators.close_round(pid, api_key=viewer)


def test_a_judgment_that_no_longer_fits_the_tree_is_left_out(
    scoring_client: TestClient, indicators_client: TestClient, indicators_session: Session
) -> None:
    pid = basic_panel(indicators_client)
    expert_id = indicators_session.scalars(select(Expert.id).where(Expert.code == "BASIC-E5")).one()
    stale = indicators_session.scalars(
        select(Judgment).where(Judgment.expert_id == expert_id, Judgment.node == "C1")
    ).one()
    stale.items = [*stale.items[:-1], "C1.9"]  # as if the tree had changed since the judgment was written
    indicators_session.commit()
    summary = scoring_client.post(f"/v1/panels/{pid}/rounds/summary", json={})
    assert summary.status_code == 200, summary.text
    nodes = {n["node"]: n for n in summary.json()["rounds"][0]["nodes"]}
    assert [e["expert"] for e in nodes["C1"]["experts"]] == [f"BASIC-E{k}" for k in range(1, 5)]
    assert len(nodes["goal"]["experts"]) == 5


def test_an_expert_sees_the_group_and_only_themselves_once_a_round_is_closed(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    pid = basic_panel(indicators_client)
    created = indicators_client.post("/v1/api-keys", json={"name": "basic-e3", "role": "expert"}).json()
    linked = indicators_client.patch(f"/v1/panels/{pid}/experts/BASIC-E3", json={"api_key_id": created["id"]})
    assert linked.status_code == 200, linked.text
    expert = {"X-API-Key": created["key"]}
    url = f"/v1/panels/{pid}/rounds/summary"

    assert scoring_client.post(url, json={}, headers=expert).json()["rounds"] == []
    assert scoring_client.post(url, json={"round": 1}, headers=expert).status_code == 403
    assert indicators_client.post(f"/v1/panels/{pid}/rounds").status_code == 201

    seen = scoring_client.post(url, json={}, headers=expert)
    assert seen.status_code == 200, seen.text
    everything = scoring_client.post(url, json={"round": 1}).json()
    assert [r["round"] for r in seen.json()["rounds"]] == [1]
    for mine, full in zip(seen.json()["rounds"][0]["nodes"], everything["rounds"][0]["nodes"], strict=True):
        assert [e["expert"] for e in mine["experts"]] == ["BASIC-E3"]
        assert mine["experts"][0] == next(e for e in full["experts"] if e["expert"] == "BASIC-E3")
        assert {k: v for k, v in mine.items() if k != "experts"} == {k: v for k, v in full.items() if k != "experts"}
    assert scoring_client.post(url, json={"round": 2}, headers=expert).status_code == 403

    strategic = next(p["id"] for p in indicators_client.get("/v1/panels").json() if p["category"] == "strategic")
    other = scoring_client.post(f"/v1/panels/{strategic}/rounds/summary", json={}, headers=expert)
    assert other.status_code == 403
    assert other.headers["content-type"].startswith("application/problem+json")
