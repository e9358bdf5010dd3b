"""POST /v1/sensitivity: Monte Carlo rank acceptability, weight-stability intervals and a weight sweep."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.api.scoring.support import PROBLEM, assert_invalid


def ranking_at(client: TestClient, cost_weight: float) -> list[str]:
    criteria = [
        {**PROBLEM["criteria"][0], "weight": cost_weight},
        {**PROBLEM["criteria"][1], "weight": 1 - cost_weight},
    ]
    results = client.post("/v1/score", json={**PROBLEM, "criteria": criteria}).json()["results"]
    return [f"{r['alternative']}:{r['rank']}" for r in results]


def test_contract_request(scoring_client: TestClient) -> None:
    response = scoring_client.post("/v1/sensitivity", json={**PROBLEM, "samples": 500, "seed": 1})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["samples"] == 500
    assert body["sweep"] is None
    assert [a["alternative"] for a in body["rank_acceptability"]] == PROBLEM["alternatives"]
    assert [s["criterion"] for s in body["weight_stability"]] == ["cost", "quality"]


def test_shares_sum_to_1_and_follow_the_weights(scoring_client: TestClient) -> None:
    body = scoring_client.post("/v1/sensitivity", json={**PROBLEM, "samples": 2000}).json()
    shares = np.array([a["by_rank"] for a in body["rank_acceptability"]])
    assert shares.shape == (3, 3)
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert (shares >= 0).all()
    # Without ties every sample hands out each rank once.
    assert np.allclose(shares.sum(axis=0), 1.0)
    # A3 is first at the given weights, and stays first in most samples.
    assert shares[2, 0] > 0.5
    near = scoring_client.post("/v1/sensitivity", json={**PROBLEM, "samples": 2000, "concentration": 1e7}).json()
    assert near["rank_acceptability"][2]["by_rank"][0] == pytest.approx(1.0)


def test_the_same_seed_gives_the_same_answer(scoring_client: TestClient) -> None:
    request = {**PROBLEM, "samples": 3000, "seed": 7}
    first = scoring_client.post("/v1/sensitivity", json=request).json()
    assert scoring_client.post("/v1/sensitivity", json=request).json() == first
    other = scoring_client.post("/v1/sensitivity", json={**request, "seed": 8}).json()
    assert other["rank_acceptability"] != first["rank_acceptability"]


def test_methods_without_a_batch_path_give_shares_too(scoring_client: TestClient) -> None:
    body = scoring_client.post("/v1/sensitivity", json={**PROBLEM, "method": "vikor", "samples": 300}).json()
    assert body["method"] == "vikor"
    assert np.allclose([sum(a["by_rank"]) for a in body["rank_acceptability"]], 1.0)


def test_weight_stability_holds_the_ranking(scoring_client: TestClient) -> None:
    body = scoring_client.post("/v1/sensitivity", json={**PROBLEM, "samples": 100}).json()
    cost = body["weight_stability"][0]
    assert cost["weight"] == pytest.approx(0.4)
    assert 0 <= cost["min"] <= cost["weight"] <= cost["max"] <= 1
    current = ranking_at(scoring_client, 0.4)
    assert ranking_at(scoring_client, (cost["min"] + cost["weight"]) / 2) == current
    assert ranking_at(scoring_client, (cost["max"] + cost["weight"]) / 2) == current
    assert ranking_at(scoring_client, cost["min"] - 1e-4) != current
    assert ranking_at(scoring_client, cost["max"] + 1e-4) != current
    quality = body["weight_stability"][1]
    # With two criteria, moving one weight moves the other: the intervals mirror each other.
    assert quality["min"] == pytest.approx(1 - cost["max"], abs=1e-6)
    assert quality["max"] == pytest.approx(1 - cost["min"], abs=1e-6)


def test_sweep_returns_every_score_along_the_weight(scoring_client: TestClient) -> None:
    request = {**PROBLEM, "samples": 100, "sweep_criterion": "cost", "sweep_points": 5}
    response = scoring_client.post("/v1/sensitivity", json=request)
    assert response.status_code == 200, response.text
    sweep = response.json()["sweep"]
    assert sweep["criterion"] == "cost"
    assert sweep["weights"] == pytest.approx([0, 0.25, 0.5, 0.75, 1])
    assert list(sweep["scores"]) == PROBLEM["alternatives"]
    assert all(len(series) == 5 for series in sweep["scores"].values())
    assert all(len(series) == 5 for series in sweep["ranks"].values())
    criteria = [{**PROBLEM["criteria"][0], "weight": 0.25}, {**PROBLEM["criteria"][1], "weight": 0.75}]
    alone = scoring_client.post("/v1/score", json={**PROBLEM, "criteria": criteria}).json()["results"]
    for result in alone:
        assert sweep["scores"][result["alternative"]][1] == pytest.approx(result["score"], abs=1e-12)
        assert sweep["ranks"][result["alternative"]][1] == result["rank"]


@pytest.mark.parametrize(
    ("change", "loc", "says"),
    [
        ({"samples": 100_001}, ["samples"], "100000"),
        ({"samples": 0}, ["samples"], ""),
        ({"seed": -1}, ["seed"], ""),
        ({"concentration": 0}, ["concentration"], ""),
        ({"sweep_criterion": "price"}, ["sweep_criterion"], "cost, quality"),
        ({"sweep_points": 1}, ["sweep_points"], ""),
        ({"method": "electre"}, ["method"], ""),
        ({"matrix": [[250, 7], [None, 6], [300, 9]]}, ["matrix", 1, 0], "missing"),
        (
            {"criteria": [{**PROBLEM["criteria"][0], "weight": -1}, PROBLEM["criteria"][1]]},
            ["criteria", 0, "weight"],
            "",
        ),
    ],
)
def test_bad_input_is_located(scoring_client: TestClient, change: dict[str, Any], loc: list[Any], says: str) -> None:
    response = scoring_client.post("/v1/sensitivity", json={**PROBLEM, "samples": 100, **change})
    assert_invalid(response, ["body", *loc], says=says)


def test_a_single_criterion_cannot_be_swept(scoring_client: TestClient) -> None:
    problem = {
        "alternatives": ["a", "b"],
        "criteria": [{"name": "x", "type": "benefit", "weight": 1}],
        "matrix": [[1], [2]],
    }
    response = scoring_client.post("/v1/sensitivity", json={**problem, "samples": 10, "sweep_criterion": "x"})
    assert_invalid(response, ["body", "sweep_criterion"], says="nothing to sweep")
    alone = scoring_client.post("/v1/sensitivity", json={**problem, "samples": 10}).json()
    assert alone["weight_stability"] == [{"criterion": "x", "weight": 1.0, "min": 1.0, "max": 1.0}]
