"""Issue 12: sensitivity, uncertainty and method comparison of the published ranking, on its own model.

Checked against an independent computation in the test (NumPy on the stored values and the profile's weights),
not against the service's own code.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.api.scoring.support import all_finite, assert_invalid


def ranking(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/rankings", params={"year": 2024, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def post(client: TestClient, path: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/v1/rankings/{path}", json={"year": 2024, **body})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert all_finite(answer)
    return answer


class Independent:
    """Fixed-reference TOPSIS of 2024 written out in the test: median imputation by category, clipping to the
    reference range, closeness to the all-good ideal; criterion weights with the indicators' shares fixed."""

    def __init__(self, indicators_client: TestClient) -> None:
        dataset = indicators_client.get("/v1/datasets/2024").json()
        tree = indicators_client.get("/v1/indicators").json()
        clusters = {c["code"]: c for c in indicators_client.get("/v1/clusters").json()}
        profile = indicators_client.get("/v1/weight-profiles/default").json()
        self.indicators = [i for c in tree for i in c["children"]]
        self.criteria = [c["code"] for c in tree]
        codes = [i["code"] for i in self.indicators]
        columns = [dataset["indicators"].index(code) for code in codes]
        rows = [r for r, v in enumerate(dataset["values"]) if any(x is not None for x in v)]
        self.codes = [dataset["clusters"][r] for r in rows]
        raw = np.array([[np.nan if dataset["values"][r][j] is None else dataset["values"][r][j] for j in columns]
                        for r in rows])  # fmt: skip
        category = np.array([clusters[c]["category"] for c in self.codes])
        values = raw.copy()
        for i, j in np.argwhere(np.isnan(raw)):
            peers = raw[(category == category[i]) & ~np.isnan(raw[:, j]), j]
            values[i, j] = np.median(peers)
        self.values = values
        low = np.array([i["ref_min"] for i in self.indicators])
        high = np.array([i["ref_max"] for i in self.indicators])
        scaled = (np.clip(values, low, high) - low) / (high - low)
        cost = np.array([i["direction"] == "cost" for i in self.indicators])
        self.scaled = np.where(cost, 1 - scaled, scaled)
        global_weight = {w["code"]: w["global_weight"] for w in profile["indicators"]}
        self.weights = np.array([global_weight[c] for c in codes])
        self.group = np.array([self.criteria.index(i["code"].split(".")[0]) for i in self.indicators])
        self.criterion_weights = np.bincount(self.group, weights=self.weights)
        self.local = self.weights / self.criterion_weights[self.group]

    def scores(self, criterion_weights: np.ndarray) -> np.ndarray:
        w = criterion_weights[self.group] * self.local
        w = w / w.sum()
        plus = np.sqrt(((w * (1 - self.scaled)) ** 2).sum(axis=1))
        minus = np.sqrt(((w * self.scaled) ** 2).sum(axis=1))
        return minus / (plus + minus)

    def with_criterion(self, c: int, weight: float) -> np.ndarray:
        others = self.criterion_weights.copy()
        others[c] = 0
        vector = others / others.sum() * (1 - weight)
        vector[c] = weight
        return vector

    def rank_of(self, code: str, criterion_weights: np.ndarray) -> int:
        scores = self.scores(criterion_weights)
        mine = scores[self.codes.index(code)]
        return 1 + int((scores > mine + 1e-12).sum())


@pytest.fixture
def independent(indicators_client: TestClient) -> Independent:
    return Independent(indicators_client)


def test_the_independent_computation_is_the_ranking(scoring_client: TestClient, independent: Independent) -> None:
    published = {r["cluster_code"]: r["score"] for r in ranking(scoring_client)["results"]}
    mine = dict(zip(independent.codes, independent.scores(independent.criterion_weights), strict=True))
    assert published.keys() == mine.keys()
    for code, value in published.items():
        assert math.isclose(value, mine[code], rel_tol=1e-9), code


def test_the_sweep_at_the_current_weight_gives_the_rankings_scores(scoring_client: TestClient) -> None:
    published = ranking(scoring_client)
    answer = post(scoring_client, "sensitivity", samples=200, sweep_criterion="C3", sweep_points=11)
    assert answer["model"]["dataset_version"] == published["dataset_version"]
    assert answer["model"]["profile"] == published["profile"]
    sweep = answer["sweep"]
    current = next(s["weight"] for s in answer["weight_stability"] if s["criterion"] == "C3")
    at = sweep["weights"].index(current)
    assert 0.0 in sweep["weights"]
    assert 1.0 in sweep["weights"]
    for row in published["results"]:
        assert math.isclose(sweep["scores"][row["cluster_code"]][at], row["score"], rel_tol=1e-12)
        assert sweep["ranks"][row["cluster_code"]][at] == row["rank"]


def test_stability_edges_are_where_the_rank_changes(scoring_client: TestClient, independent: Independent) -> None:
    answer = post(scoring_client, "sensitivity", samples=100)
    published = {r["cluster_code"]: r["rank"] for r in ranking(scoring_client)["results"]}
    checked = 0
    for stability in answer["weight_stability"]:
        c = independent.criteria.index(stability["criterion"])
        assert math.isclose(stability["weight"], independent.criterion_weights[c], rel_tol=1e-9)
        for interval in stability["clusters"][:8]:
            code = interval["cluster_code"]
            low, high = interval["min"], interval["max"]
            assert low <= stability["weight"] <= high
            for inside in (low, high, (low + high) / 2):
                assert independent.rank_of(code, independent.with_criterion(c, inside)) == published[code]
            if low > 0:
                assert independent.rank_of(code, independent.with_criterion(c, low - 1e-5)) != published[code]
                checked += 1
            if high < 1:
                assert independent.rank_of(code, independent.with_criterion(c, high + 1e-5)) != published[code]
                checked += 1
    assert checked > 20


def test_rank_acceptability_shares_sum_to_one_and_are_reproducible(scoring_client: TestClient) -> None:
    first = post(scoring_client, "sensitivity", samples=500, seed=7)
    again = post(scoring_client, "sensitivity", samples=500, seed=7)
    assert first == again
    for row in first["rank_acceptability"]:
        assert math.isclose(sum(row["by_rank"]), 1.0, rel_tol=1e-9)


def test_near_certain_weights_collapse_the_rank_intervals(scoring_client: TestClient) -> None:
    answer = post(scoring_client, "uncertainty", samples=400, sources=["weights"], concentration=1e6)
    for row in answer["results"]:
        assert row["rank_p05"] == row["median_rank"] == row["rank_p95"] == row["rank"], row


def test_wide_weights_widen_the_intervals_and_the_weights_explain_them(scoring_client: TestClient) -> None:
    answer = post(scoring_client, "uncertainty", samples=2000, sources=["weights", "imputation"], concentration=5)
    widths = [row["rank_p95"] - row["rank_p05"] for row in answer["results"]]
    assert max(widths) >= 2
    indices = {i["source"]: i for i in answer["sensitivity_indices"]}
    assert indices["weights"]["total"] > indices["imputation"]["total"]
    assert answer["samples"] == 4 * answer["base_samples"]


def test_the_same_seed_gives_the_same_bytes(scoring_client: TestClient) -> None:
    body = {"year": 2024, "samples": 600, "seed": 3, "sources": ["weights", "panel", "imputation"]}
    first = scoring_client.post("/v1/rankings/uncertainty", json=body)
    second = scoring_client.post("/v1/rankings/uncertainty", json=body)
    assert first.status_code == 200, first.text
    assert first.content == second.content


def test_methods_own_method_gives_the_published_ranks(scoring_client: TestClient) -> None:
    published = {r["cluster_code"]: r["rank"] for r in ranking(scoring_client)["results"]}
    answer = post(scoring_client, "methods", methods=["topsis", "vikor", "wsm"])
    assert {r["cluster_code"]: r["ranks"]["topsis"] for r in answer["results"]} == published
    pairs = {(c["a"], c["b"]) for c in answer["correlations"]}
    assert ("topsis", "vikor") in pairs


def test_a_category_filter_never_changes_a_score_or_a_tier(scoring_client: TestClient) -> None:
    everyone = {r["cluster_code"]: r for r in ranking(scoring_client)["results"]}
    basic = ranking(scoring_client, category="basic")["results"]
    assert [r["rank"] for r in basic] == sorted(r["rank"] for r in basic)
    for row in basic:
        assert row["score"] == everyone[row["cluster_code"]]["score"]
        assert row["tier"] == everyone[row["cluster_code"]]["tier"]
        assert row["overall_rank"] == everyone[row["cluster_code"]]["rank"]
    relative_all = {r["cluster_code"]: r for r in ranking(scoring_client, reference="relative")["results"]}
    for row in ranking(scoring_client, reference="relative", category="strategic")["results"]:
        assert row["score"] == relative_all[row["cluster_code"]]["score"]


def test_uncertainty_on_a_category_is_about_its_ranking(scoring_client: TestClient) -> None:
    published = {r["cluster_code"]: r["rank"] for r in ranking(scoring_client, category="strategic")["results"]}
    answer = post(scoring_client, "uncertainty", samples=200, category="strategic", concentration=1e6)
    assert {r["cluster_code"]: r["rank"] for r in answer["results"]} == published
    assert {r["cluster_code"]: r["median_rank"] for r in answer["results"]} == published


@pytest.mark.parametrize(
    ("body", "loc", "says"),
    [
        ({"samples": 100_001}, ["body", "samples"], "100000"),
        ({"sources": ["weights", "luck"]}, ["body", "sources", 1], "weights"),
        ({"method": "magic"}, ["body", "method"], "topsis"),
    ],
)
def test_bad_uncertainty_requests_are_422_naming_the_field(
    scoring_client: TestClient, body: dict[str, Any], loc: list[Any], says: str
) -> None:
    assert_invalid(scoring_client.post("/v1/rankings/uncertainty", json={"year": 2024, **body}), loc, says=says)


def test_a_year_without_data_is_404(scoring_client: TestClient) -> None:
    for path in ("sensitivity", "uncertainty", "methods"):
        response = scoring_client.post(f"/v1/rankings/{path}", json={"year": 1999})
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


def identical_panel_profile(scoring_client: TestClient, indicators_client: TestClient) -> int:
    """The basic panel with every expert's judgments made those of its first expert, published as a profile."""
    panel_id = next(p["id"] for p in indicators_client.get("/v1/panels").json() if p["category"] == "basic")
    judgments = indicators_client.get(f"/v1/panels/{panel_id}/judgments").json()
    first = judgments[0]["expert_code"]
    theirs = {j["node"]: j for j in judgments if j["expert_code"] == first}
    for judgment in judgments:
        if judgment["expert_code"] == first:
            continue
        source = theirs[judgment["node"]]
        written = indicators_client.put(
            f"/v1/panels/{panel_id}/experts/{judgment['expert_code']}/judgments/{judgment['node']}",
            json={"items": source["items"], "matrix": source["matrix"], "version": judgment["version"]},
        )
        assert written.status_code == 200, written.text
    published = scoring_client.post(f"/v1/panels/{panel_id}/publish", json={"name": "Five of one mind"})
    assert published.status_code == 201, published.text
    profile_id: int = published.json()["id"]
    return profile_id


def test_a_panel_of_identical_experts_adds_no_uncertainty(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    profile = identical_panel_profile(scoring_client, indicators_client)
    published = {r["cluster_code"]: r["rank"] for r in ranking(scoring_client, profile=profile)["results"]}
    answer = post(scoring_client, "uncertainty", samples=300, sources=["panel"], profile=profile)
    assert answer["model"]["profile"] == profile
    for row in answer["results"]:
        assert row["rank_p05"] == row["rank_p95"] == row["rank"] == published[row["cluster_code"]], row
    assert answer["sensitivity_indices"] == [{"source": "panel", "first_order": 0.0, "total": 0.0}]


def test_a_divided_panel_makes_ranks_uncertain(scoring_client: TestClient) -> None:
    answer = post(scoring_client, "uncertainty", samples=600, sources=["panel"])
    assert any(row["rank_p95"] > row["rank_p05"] for row in answer["results"])


def test_the_panel_source_needs_a_profile_from_a_panel(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    default = indicators_client.get("/v1/weight-profiles/default").json()
    body = {
        "name": "Hand-set weights",
        "criteria": [{"code": c["code"], "weight": c["weight"]} for c in default["criteria"]],
        "indicators": [
            {k: i[k] for k in ("code", "criterion", "local_weight", "global_weight")} for i in default["indicators"]
        ],
    }
    created = indicators_client.post("/v1/weight-profiles", json=body)
    assert created.status_code == 201, created.text
    response = scoring_client.post(
        "/v1/rankings/uncertainty", json={"year": 2024, "sources": ["panel"], "profile": created.json()["id"]}
    )
    assert_invalid(response, ["body", "sources"], says="panel")
    weights_only = scoring_client.post(
        "/v1/rankings/uncertainty",
        json={"year": 2024, "sources": ["weights"], "profile": created.json()["id"], "samples": 50},
    )
    assert weights_only.status_code == 200, weights_only.text


def test_model_weights_blend_the_profile_with_entropy_weights(
    scoring_client: TestClient, independent: Independent
) -> None:
    answer = post(scoring_client, "weights", objective="entropy", combination="linear", alpha=0.25)
    subjective = np.array([i["subjective"] for i in answer["indicators"]])
    np.testing.assert_allclose(subjective, independent.weights / independent.weights.sum(), rtol=1e-9)
    # Shannon entropy weights computed here from the imputed values: each column's shares of its sum.
    shares = independent.values / independent.values.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(shares * np.log(shares), axis=0) / np.log(len(independent.codes))
    expected = (1 - entropy) / (1 - entropy).sum()
    objective = np.array([i["objective"] for i in answer["indicators"]])
    np.testing.assert_allclose(objective, expected, rtol=1e-9)
    combined = np.array([i["combined"] for i in answer["indicators"]])
    np.testing.assert_allclose(combined, 0.25 * subjective + 0.75 * objective, rtol=1e-9, atol=1e-15)


def test_the_method_source_on_the_relative_reference_leaves_out_what_cannot_run(scoring_client: TestClient) -> None:
    answer = post(scoring_client, "uncertainty", samples=600, reference="relative", sources=["method"])
    assert any(note.startswith("method: drawn among topsis") for note in answer["notes"])
    published = {r["cluster_code"]: r["rank"] for r in ranking(scoring_client, reference="relative")["results"]}
    assert {r["cluster_code"]: r["rank"] for r in answer["results"]} == published
