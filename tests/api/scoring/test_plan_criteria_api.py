"""The criterion scores of a plan (POST /v1/rankings/plan, `criteria_scores`): before as the ranking has them, after
re-scored independently in the test from the stored values, the profile and the plan's changes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.support.plans import FloatArray, YearData

YEAR = 2024
CASES = [("FS-HOME", "next_tier"), ("ZZ-RAIL", "top_quartile"), ("HF-SPEECH", "rank:3"), ("SH-IC", "next_tier")]


def criterion_scores(data: YearData, row: FloatArray) -> dict[str, float]:
    """Fixed-reference TOPSIS of each criterion on its own indicators, their weights renormalised within it."""
    scaled = data.scaled(row[np.newaxis, :])[0]
    criteria = [code.split(".")[0] for code in data.indicators]
    out = {}
    for criterion in dict.fromkeys(criteria):
        columns = [j for j, c in enumerate(criteria) if c == criterion]
        w = data.weights[columns] / data.weights[columns].sum()
        r = scaled[columns]
        to_ideal = np.sqrt(((w * (1 - r)) ** 2).sum())
        to_anti = np.sqrt(((w * r) ** 2).sum())
        out[criterion] = float(to_anti / (to_ideal + to_anti))
    return out


@pytest.mark.parametrize(("code", "target"), CASES)
def test_criterion_scores_before_and_after_the_plan(
    indicators_client: TestClient, scoring_client: TestClient, code: str, target: str
) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": YEAR}).json()
    data = YearData.of(
        indicators_client.get(f"/v1/datasets/{YEAR}").json(),
        indicators_client.get("/v1/clusters").json(),
        indicators_client.get("/v1/indicators").json(),
        indicators_client.get(f"/v1/weight-profiles/{ranking['profile']}").json(),
    )
    response = scoring_client.post("/v1/rankings/plan", json={"year": YEAR, "cluster_code": code, "target": target})
    assert response.status_code == 200, response.text
    plan: dict[str, Any] = response.json()
    published = next(r for r in ranking["results"] if r["cluster_code"] == code)["criteria_scores"]
    scores = plan["criteria_scores"]
    assert [s["criterion"] for s in scores] == list(published)
    assert {s["criterion"]: s["before"] for s in scores} == pytest.approx(published, abs=1e-12)

    row = data.values[data.row(code)].copy()
    for change in plan["changes"]:
        row[data.indicators.index(change["indicator"])] = change["to"]
    assert {s["criterion"]: s["after"] for s in scores} == pytest.approx(criterion_scores(data, row), abs=1e-9)
    changed = {change["criterion"] for change in plan["changes"]}
    for s in scores:
        # A change only ever moves an indicator in its better direction, so only its own criterion rises.
        assert (s["after"] > s["before"]) if s["criterion"] in changed else (s["after"] == s["before"])
