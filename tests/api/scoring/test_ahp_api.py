"""POST /v1/ahp/priorities, /v1/ahp/group and /v1/ahp/hierarchy through the scoring service's ASGI app."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, get_args

import numpy as np
import pytest
from fastapi.testclient import TestClient

from shared.schemas.scoring import DRINKS_MATRIX
from shared.schemas.vocabulary import PriorityMethod
from tests.api.scoring.support import assert_invalid

# Saaty (2008), relative consumption of drinks (DOMAIN.md).
DRINKS_EIGENVECTOR = [0.1775, 0.0191, 0.0418, 0.1164, 0.1896, 0.1288, 0.3268]
DRINKS_GEOMETRIC_MEAN = [0.1787, 0.0185, 0.0422, 0.1165, 0.1911, 0.1286, 0.3243]
INCOMPLETE = [[1, 3, "1/5"], ["1/3", 1, None], [5, None, 1]]


def numeric(rows: list[list[Any]]) -> np.ndarray:
    """A matrix with fraction strings as floats (no missing judgments)."""
    return np.array([[eval(v) if isinstance(v, str) else v for v in row] for row in rows], dtype=float)  # noqa: S307


def principal(matrix: np.ndarray) -> tuple[float, np.ndarray]:
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return float(values[k].real), vector / vector.sum()


def test_drinks_example_eigenvector(scoring_client: TestClient) -> None:
    labels = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
    response = scoring_client.post("/v1/ahp/priorities", json={"matrix": DRINKS_MATRIX, "labels": labels})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["weights"] == pytest.approx(DRINKS_EIGENVECTOR, abs=5e-4)
    assert sum(body["weights"]) == pytest.approx(1.0)
    assert body["lambda_max"] == pytest.approx(7.1766, abs=5e-5)
    assert body["ri"] == 1.32
    assert body["ci"] == pytest.approx((body["lambda_max"] - 7) / 6)
    assert body["cr"] == pytest.approx(body["ci"] / 1.32)
    assert body["consistent"] is True
    assert body["labels"] == labels
    assert np.allclose(body["completed_matrix"], numeric(DRINKS_MATRIX))
    worst = body["inconsistencies"]
    assert 1 <= len(worst) <= 3
    w = body["weights"]
    for item in worst:
        assert item["row"] < item["col"]
        assert item["suggested"] == pytest.approx(w[item["row"]] / w[item["col"]])
    deviations = [abs(np.log(i["value"] / i["suggested"])) for i in worst]
    assert deviations == sorted(deviations, reverse=True)


def test_drinks_example_geometric_mean(scoring_client: TestClient) -> None:
    response = scoring_client.post("/v1/ahp/priorities", json={"matrix": DRINKS_MATRIX, "method": "geometric_mean"})
    assert response.status_code == 200, response.text
    assert response.json()["weights"] == pytest.approx(DRINKS_GEOMETRIC_MEAN, abs=5e-4)


def test_string_fractions_equal_numbers(scoring_client: TestClient) -> None:
    as_strings = scoring_client.post("/v1/ahp/priorities", json={"matrix": DRINKS_MATRIX}).json()
    as_numbers = scoring_client.post("/v1/ahp/priorities", json={"matrix": numeric(DRINKS_MATRIX).tolist()}).json()
    assert as_strings["weights"] == pytest.approx(as_numbers["weights"], rel=1e-12)
    assert as_strings["lambda_max"] == pytest.approx(as_numbers["lambda_max"], rel=1e-12)


def test_a_perfectly_consistent_matrix_has_no_inconsistencies(scoring_client: TestClient) -> None:
    body = scoring_client.post("/v1/ahp/priorities", json={"matrix": [[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]]})
    assert body.json()["inconsistencies"] == []
    assert body.json()["weights"] == pytest.approx([4 / 7, 2 / 7, 1 / 7])


def test_small_matrices_have_zero_ci_and_cr(scoring_client: TestClient) -> None:
    for matrix in ([[1]], [[1, 5], ["1/5", 1]]):
        body = scoring_client.post("/v1/ahp/priorities", json={"matrix": matrix}).json()
        assert (body["ci"], body["ri"], body["cr"], body["consistent"]) == (0, 0, 0, True)


def test_missing_judgments_use_harkers_method(scoring_client: TestClient) -> None:
    response = scoring_client.post("/v1/ahp/priorities", json={"matrix": INCOMPLETE})
    assert response.status_code == 200, response.text
    body = response.json()
    # Harker: a missing pair becomes 0 and each diagonal entry 1 + the missing judgments in its row.
    harker = np.array([[1, 3, 1 / 5], [1 / 3, 2, 0], [5, 0, 2]])
    _, expected = principal(harker)
    assert body["weights"] == pytest.approx(expected.tolist(), abs=1e-9)
    w = body["weights"]
    assert body["completed_matrix"][1][2] == pytest.approx(w[1] / w[2])
    assert body["completed_matrix"][2][1] == pytest.approx(w[2] / w[1])


def test_missing_judgments_with_the_geometric_mean(scoring_client: TestClient) -> None:
    body = scoring_client.post("/v1/ahp/priorities", json={"matrix": INCOMPLETE, "method": "geometric_mean"}).json()
    # Logarithmic least squares over the given judgments: ln w0 - ln w1 = ln 3, ln w0 - ln w2 = ln 1/5.
    expected = np.array([1.0, 1 / 3, 5.0])
    assert body["weights"] == pytest.approx((expected / expected.sum()).tolist(), abs=1e-9)


def test_disconnected_judgments_are_a_422(scoring_client: TestClient) -> None:
    matrix = [[1, 2, None, None], ["1/2", 1, None, None], [None, None, 1, 3], [None, None, "1/3", 1]]
    assert_invalid(
        scoring_client.post("/v1/ahp/priorities", json={"matrix": matrix}), ["body", "matrix"], says="[2, 3]"
    )


@pytest.mark.parametrize(
    ("matrix", "loc", "says"),
    [
        ([[1, 2], ["1/2"]], ["body", "matrix", 1], "2 x 2"),
        ([[1, 3], [3, 1]], ["body", "matrix", 1, 0], "reciprocal"),
        ([[1, 0], [1, 1]], ["body", "matrix", 0, 1], "positive"),
        ([[1, -2], ["1/2", 1]], ["body", "matrix", 0, 1], "positive"),
        ([[1, "two"], ["1/2", 1]], ["body", "matrix", 0, 1], "not a number"),
        ([[1, "1/0"], [1, 1]], ["body", "matrix", 0, 1], "not a number"),
        ([[1, True], [1, 1]], ["body", "matrix", 0, 1], "not a number"),
        ([[1, {"x": 1}], [1, 1]], ["body", "matrix", 0, 1], "not a number"),
        ([[2, 2], ["1/2", 1]], ["body", "matrix", 0, 0], "diagonal"),
        ([[1, 2], [None, 1]], ["body", "matrix", 1, 0], "missing"),
        ([[1, 1e12], [1e-12, 1]], ["body", "matrix", 0, 1], "between"),
        ([], ["body", "matrix"], ""),
        ([1, 2], ["body", "matrix", 0], "list"),
    ],
)
def test_bad_judgments_are_located(scoring_client: TestClient, matrix: Any, loc: list[str | int], says: str) -> None:
    assert_invalid(scoring_client.post("/v1/ahp/priorities", json={"matrix": matrix}), loc, says=says)


@pytest.mark.parametrize("literal", ["Infinity", "NaN", "-Infinity"])
def test_non_finite_judgments_are_located(scoring_client: TestClient, literal: str) -> None:
    # JSON has no Infinity or NaN, but Python's parser accepts the literals, so they must be refused.
    content = f'{{"matrix": [[1, {literal}], [1, 1]]}}'
    response = scoring_client.post("/v1/ahp/priorities", content=content, headers={"Content-Type": "application/json"})
    assert_invalid(response, ["body", "matrix", 0, 1])


HUGE_INTEGER = "9" * 400


@pytest.mark.parametrize(
    "literal", [HUGE_INTEGER, f"-{HUGE_INTEGER}", f'"{HUGE_INTEGER}"', f'"1/{HUGE_INTEGER}"', "1e400"]
)
def test_judgments_beyond_floating_point_are_located(scoring_client: TestClient, literal: str) -> None:
    # A 400-digit integer is valid JSON that no float holds (float() raises OverflowError on it); 1e400 parses
    # to infinity. Either is bad input, located at its cell, in one matrix or in an expert's.
    headers = {"Content-Type": "application/json"}
    matrix = f"[[1, {literal}], [1, 1]]"
    single = scoring_client.post("/v1/ahp/priorities", content=f'{{"matrix": {matrix}}}', headers=headers)
    assert_invalid(single, ["body", "matrix", 0, 1])
    content = f'{{"judgments": [{{"expert": "e1", "matrix": {matrix}}}]}}'
    panel = scoring_client.post("/v1/ahp/group", content=content, headers=headers)
    assert_invalid(panel, ["body", "judgments", 0, "matrix", 0, 1])


def test_a_consistent_chain_of_nines_over_30_items(scoring_client: TestClient) -> None:
    # Only a[i][i+1] = 9 is given: the weights are 9^-i (normalised) and span 9^29, about 4.7e27.
    n = 30
    matrix: list[list[Any]] = [[None] * n for _ in range(n)]
    for i in range(n):
        matrix[i][i] = 1
        if i + 1 < n:
            matrix[i][i + 1], matrix[i + 1][i] = 9, "1/9"
    powers = [Fraction(1, 9**i) for i in range(n)]
    expected = [float(power / sum(powers)) for power in powers]
    for method in get_args(PriorityMethod):
        body = {"matrix": matrix, "method": method, "ri_table": "donegan_dodd"}
        response = scoring_client.post("/v1/ahp/priorities", json=body)
        assert response.status_code == 200, response.text
        result = response.json()
        np.testing.assert_allclose(result["weights"], expected, rtol=1e-9, atol=0)
        assert 0 <= result["cr"] < 1e-9
        assert result["consistent"] is True
        assert result["inconsistencies"] == []


def test_every_bad_entry_is_reported_at_once(scoring_client: TestClient) -> None:
    unreadable = scoring_client.post("/v1/ahp/priorities", json={"matrix": [[1, 3, 0], ["x", 1, 2], [1, "1/2", 1]]})
    assert_invalid(unreadable, ["body", "matrix", 0, 2])
    assert_invalid(unreadable, ["body", "matrix", 1, 0])
    unreciprocal = scoring_client.post("/v1/ahp/priorities", json={"matrix": [[1, 3, 1], [3, 1, 2], [1, 2, 1]]})
    assert_invalid(unreciprocal, ["body", "matrix", 1, 0], says="reciprocal")
    assert_invalid(unreciprocal, ["body", "matrix", 2, 1], says="reciprocal")


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"method": "power"}, ["body", "method"]),
        ({"ri_table": "mine"}, ["body", "ri_table"]),
        ({"cr_threshold": -0.1}, ["body", "cr_threshold"]),
        ({"labels": ["a", "b"]}, ["body", "labels"]),
        ({"labels": ["a", "b", "a"]}, ["body", "labels", 2]),
        ({"riTable": "saaty"}, ["body", "riTable"]),
        ({"completion": "nearest"}, ["body", "completion"]),
    ],
)
def test_bad_options_are_located(scoring_client: TestClient, change: dict[str, Any], loc: list[str | int]) -> None:
    body = {"matrix": [[1, 2, 3], ["1/2", 1, 2], ["1/3", "1/2", 1]], **change}
    assert_invalid(scoring_client.post("/v1/ahp/priorities", json=body), loc)


def test_inconsistencies_carry_the_best_value_and_the_cr_it_gives(scoring_client: TestClient) -> None:
    body = scoring_client.post("/v1/ahp/priorities", json={"matrix": DRINKS_MATRIX}).json()
    worst = body["inconsistencies"]
    assert len(worst) == 3
    for item in worst:
        assert 1 / 9 <= item["best_value"] <= 9
        assert 0 <= item["cr_after"] <= body["cr"]
        changed = numeric(DRINKS_MATRIX)
        changed[item["row"]][item["col"]] = item["best_value"]
        changed[item["col"]][item["row"]] = 1 / item["best_value"]
        again = scoring_client.post("/v1/ahp/priorities", json={"matrix": changed.tolist()}).json()
        assert again["cr"] == pytest.approx(item["cr_after"], abs=1e-9)
    # Wine against water is judged 1/9 where the priorities say 0.0586: the scale's end is as far as it goes.
    assert (worst[0]["row"], worst[0]["col"], worst[0]["best_value"]) == (1, 6, pytest.approx(1 / 9))
    assert worst[0]["cr_after"] == pytest.approx(body["cr"], abs=1e-12)


def test_optimal_completion_of_the_example_in_ahpys_readme(scoring_client: TestClient) -> None:
    # AHPy README, "Missing Pairwise Comparisons" (Bozóki, Fülöp and Rónyai 2010): (c, d) missing; AHPy computes it
    # as 0.7303 with weights a .3738, b .392, c .0985, d .1357 and CR .0372 (Donegan and Dodd's random index).
    matrix = [[1, 1, 5, 2], [1, 1, 3, 4], ["1/5", "1/3", 1, None], ["1/2", "1/4", None, 1]]
    request = {"matrix": matrix, "completion": "optimal", "ri_table": "donegan_dodd"}
    response = scoring_client.post("/v1/ahp/priorities", json=request)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["completed_matrix"][2][3] == pytest.approx(0.730297, abs=1e-5)
    assert body["weights"] == pytest.approx([0.3738, 0.392, 0.0985, 0.1357], abs=5e-5)
    assert body["cr"] == pytest.approx(0.0372, abs=5e-5)
    harker = scoring_client.post("/v1/ahp/priorities", json={**request, "completion": "harker"}).json()
    assert body["lambda_max"] < harker["lambda_max"]
    geometric = {**request, "method": "geometric_mean"}
    assert scoring_client.post("/v1/ahp/priorities", json=geometric).json() == (
        scoring_client.post("/v1/ahp/priorities", json={**geometric, "completion": "harker"}).json()
    )


def consistent_matrix(n: int) -> list[list[float]]:
    w = np.arange(1, n + 1, dtype=float)
    return (w[:, None] / w[None, :]).tolist()


def test_an_n_beyond_the_ri_table_names_its_largest_n(scoring_client: TestClient) -> None:
    matrix = consistent_matrix(16)
    body = assert_invalid(scoring_client.post("/v1/ahp/priorities", json={"matrix": matrix}), ["body", "ri_table"])
    assert "15" in body["detail"]
    for table, ri in (("donegan_dodd", 1.5078), ("alonso_lamata", (1.7699 * 16 - 4.3513) / 15)):
        response = scoring_client.post("/v1/ahp/priorities", json={"matrix": matrix, "ri_table": table})
        assert response.status_code == 200, response.text
        assert response.json()["ri"] == pytest.approx(ri)
    too_big = consistent_matrix(101)
    body = assert_invalid(
        scoring_client.post("/v1/ahp/priorities", json={"matrix": too_big, "ri_table": "donegan_dodd"}),
        ["body", "ri_table"],
    )
    assert "100" in body["detail"]


E1 = [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]]
E2 = [[1, 2, 7], ["1/2", 1, 3], ["1/7", "1/3", 1]]


def test_group_aij_is_the_weighted_geometric_mean_of_judgments(scoring_client: TestClient) -> None:
    judgments = [{"expert": "e1", "weight": 3, "matrix": E1}, {"expert": "e2", "matrix": E2}]
    response = scoring_client.post("/v1/ahp/group", json={"judgments": judgments})
    assert response.status_code == 200, response.text
    body = response.json()
    expected_matrix = numeric(E1) ** 0.75 * numeric(E2) ** 0.25
    assert np.allclose(body["aggregated_matrix"], expected_matrix)
    lambda_max, weights = principal(expected_matrix)
    assert body["aggregation"] == "aij"
    assert body["weights"] == pytest.approx(weights.tolist())
    assert body["lambda_max"] == pytest.approx(lambda_max)
    assert body["cr"] == pytest.approx((lambda_max - 3) / 2 / 0.58)
    assert [e["expert"] for e in body["experts"]] == ["e1", "e2"]
    assert body["experts"][0]["weights"] == pytest.approx(principal(numeric(E1))[1].tolist())
    assert 0 < body["consensus"] < 1


def test_group_aip_averages_the_experts_priorities(scoring_client: TestClient) -> None:
    judgments = [{"expert": "e1", "weight": 1, "matrix": E1}, {"expert": "e2", "weight": 3, "matrix": E2}]
    body = scoring_client.post("/v1/ahp/group", json={"judgments": judgments, "aggregation": "aip"}).json()
    expected = 0.25 * principal(numeric(E1))[1] + 0.75 * principal(numeric(E2))[1]
    assert body["aggregation"] == "aip"
    assert body["aggregated_matrix"] is None
    assert body["weights"] == pytest.approx(expected.tolist())


def test_identical_experts_are_in_full_consensus(scoring_client: TestClient) -> None:
    judgments = [{"expert": "a", "matrix": DRINKS_MATRIX}, {"expert": "b", "matrix": DRINKS_MATRIX}]
    body = scoring_client.post("/v1/ahp/group", json={"judgments": judgments}).json()
    assert body["consensus"] == pytest.approx(1.0)
    assert body["weights"] == pytest.approx(DRINKS_EIGENVECTOR, abs=5e-4)
    assert {"weights", "consensus", "experts"} <= body.keys()


def s_star(priorities: np.ndarray, importance: np.ndarray) -> float:
    """Goepel's AHP consensus S* (AHP-OS) with M = 9, written out: see tests/unit/scoring/test_ahp_consensus.py."""
    u = importance / importance.sum()
    n = priorities.shape[1]
    h_alpha = -np.sum(u * np.sum(priorities * np.log(priorities), axis=1))
    mean = u @ priorities
    d_beta = np.exp(-np.sum(mean * np.log(mean)) - h_alpha)
    one_sided = np.array([9.0] + [1.0] * (n - 1)) / (n + 8)
    floor = np.exp(-np.sum(one_sided * np.log(one_sided))) / n
    return float((1 / d_beta - floor) / (1 - floor))


def test_group_reports_goepels_ahp_consensus_and_its_band(scoring_client: TestClient) -> None:
    judgments = [{"expert": "e1", "weight": 3, "matrix": E1}, {"expert": "e2", "matrix": E2}]
    body = scoring_client.post("/v1/ahp/group", json={"judgments": judgments}).json()
    expected = s_star(np.array([principal(numeric(E1))[1], principal(numeric(E2))[1]]), np.array([3.0, 1.0]))
    assert body["ahp_consensus"] == pytest.approx(expected, abs=1e-9)
    assert body["ahp_consensus"] < body["consensus"]
    tops = [0.5, 0.625, 0.75, 0.875]
    words = ["very_low", "low", "moderate", "high", "very_high"]
    assert body["consensus_band"] == words[sum(body["ahp_consensus"] > top for top in tops)]
    same = [{"expert": "a", "matrix": DRINKS_MATRIX}, {"expert": "b", "matrix": DRINKS_MATRIX}]
    identical = scoring_client.post("/v1/ahp/group", json={"judgments": same}).json()
    assert (identical["ahp_consensus"], identical["consensus_band"]) == (pytest.approx(1.0), "very_high")


def test_group_and_hierarchy_take_the_completion(scoring_client: TestClient) -> None:
    partial = [[1, 3, 5, None], ["1/3", 1, "1/2", 4], ["1/5", 2, 1, 7], [None, "1/4", "1/7", 1]]
    complete = [[1, 2, 4, 8], ["1/2", 1, 2, 4], ["1/4", "1/2", 1, 2], ["1/8", "1/4", "1/2", 1]]
    answers = {
        completion: scoring_client.post("/v1/ahp/priorities", json={"matrix": partial, "completion": completion}).json()
        for completion in ("harker", "optimal")
    }
    assert answers["optimal"]["weights"] != pytest.approx(answers["harker"]["weights"], abs=1e-6)
    judgments = [{"expert": "e1", "matrix": complete}, {"expert": "e2", "matrix": partial}]
    tree = {"name": "Goal", "matrix": partial, "children": [{"name": x} for x in "wxyz"]}
    for completion, alone in answers.items():
        panel = scoring_client.post("/v1/ahp/group", json={"judgments": judgments, "completion": completion})
        assert panel.status_code == 200, panel.text
        assert panel.json()["experts"][1]["weights"] == pytest.approx(alone["weights"], abs=1e-12)
        response = scoring_client.post("/v1/ahp/hierarchy", json={"tree": tree, "completion": completion})
        assert response.status_code == 200, response.text
        assert [node["local_weight"] for node in response.json()["nodes"]] == pytest.approx(alone["weights"], abs=1e-12)


def test_group_with_missing_judgments_fills_them_from_the_others(scoring_client: TestClient) -> None:
    partial = [[1, 4, None], ["1/4", 1, 2], [None, "1/2", 1]]
    judgments = [{"expert": "e1", "matrix": E1}, {"expert": "e3", "matrix": partial}]
    body = scoring_client.post("/v1/ahp/group", json={"judgments": judgments}).json()
    # Only e1 judged the pair (0, 2), so the group takes e1's judgment there.
    assert body["aggregated_matrix"][0][2] == pytest.approx(5.0)
    assert body["aggregated_matrix"][0][1] == pytest.approx(np.sqrt(12))


@pytest.mark.parametrize(
    ("judgments", "loc"),
    [
        (
            [{"expert": "e1", "matrix": E1}, {"expert": "e2", "matrix": [[1, 2], ["1/2", 1]]}],
            ["judgments", 1, "matrix"],
        ),
        ([{"expert": "e1", "matrix": E1}, {"expert": "e1", "matrix": E2}], ["judgments", 1, "expert"]),
        ([{"expert": "e1", "weight": 0, "matrix": E1}], ["judgments", 0, "weight"]),
        (
            [{"expert": "e1", "matrix": E1}, {"expert": "e2", "matrix": [[1, 3], [3, 1]]}],
            ["judgments", 1, "matrix", 1, 0],
        ),
        ([{"expert": "", "matrix": E1}], ["judgments", 0, "expert"]),
        ([], ["judgments"]),
    ],
)
def test_bad_group_input_is_located(scoring_client: TestClient, judgments: Any, loc: list[str | int]) -> None:
    assert_invalid(scoring_client.post("/v1/ahp/group", json={"judgments": judgments}), ["body", *loc])


def test_group_with_an_expert_whose_judgments_are_disconnected(scoring_client: TestClient) -> None:
    split = [[1, 2, None, None], ["1/2", 1, None, None], [None, None, 1, 3], [None, None, "1/3", 1]]
    judgments = [{"expert": "e1", "matrix": consistent_matrix(4)}, {"expert": "e2", "matrix": split}]
    assert_invalid(
        scoring_client.post("/v1/ahp/group", json={"judgments": judgments}), ["body", "judgments", 1, "matrix"]
    )


CITIES = [{"name": "Boston"}, {"name": "Denver"}, {"name": "Austin"}]


def test_hierarchy_sums_a_leaf_over_every_parent(scoring_client: TestClient) -> None:
    jobs = [[1, 2, 4], ["1/2", 1, 3], ["1/4", "1/3", 1]]
    tree = {
        "name": "Goal",
        "matrix": [[1, 3], ["1/3", 1]],
        "children": [
            {"name": "Jobs", "matrix": jobs, "children": CITIES},
            {"name": "Climate", "weights": [2, 3, 5], "children": CITIES},
        ],
    }
    response = scoring_client.post("/v1/ahp/hierarchy", json={"tree": tree})
    assert response.status_code == 200, response.text
    body = response.json()
    _, under_jobs = principal(numeric(jobs))
    expected = 0.75 * under_jobs + 0.25 * np.array([0.2, 0.3, 0.5])
    assert body["leaves"] == pytest.approx(dict(zip(["Boston", "Denver", "Austin"], expected.tolist(), strict=True)))
    assert sum(body["leaves"].values()) == pytest.approx(1.0)
    nodes = {node["path"]: node for node in body["nodes"]}
    assert nodes["Goal/Jobs"]["local_weight"] == pytest.approx(0.75)
    assert nodes["Goal/Jobs"]["cr"] > 0
    assert nodes["Goal/Climate/Austin"]["global_weight"] == pytest.approx(0.125)
    assert nodes["Goal/Jobs/Boston"]["global_weight"] == pytest.approx(0.75 * under_jobs[0])
    assert len(nodes) == 8
    assert body["consistent"] is True


def test_contract_hierarchy(scoring_client: TestClient) -> None:
    tree = {"name": "Goal", "matrix": [[1, 2], ["1/2", 1]], "children": [{"name": "x"}, {"name": "y"}]}
    body = scoring_client.post("/v1/ahp/hierarchy", json={"tree": tree}).json()
    assert body["leaves"] == pytest.approx({"x": 2 / 3, "y": 1 / 3})
    assert body["consistent"] is True


@pytest.mark.parametrize(
    ("tree", "loc"),
    [
        ({"name": "Goal", "children": CITIES}, ["tree", "matrix"]),
        ({"name": "Goal", "matrix": [[1, 2], ["1/2", 1]], "children": CITIES}, ["tree", "matrix"]),
        ({"name": "Goal", "weights": [1, 1], "children": CITIES}, ["tree", "weights"]),
        ({"name": "Goal", "weights": [1, -1, 1], "children": CITIES}, ["tree", "weights", 1]),
        (
            {"name": "Goal", "weights": [1, 1, 1], "children": [*CITIES[:2], {"name": "Boston"}]},
            ["tree", "children", 2, "name"],
        ),
        (
            {"name": "Goal", "weights": [1, 1], "children": [{"name": "x", "matrix": [[1]]}, {"name": "y"}]},
            ["tree", "children", 0, "matrix"],
        ),
        (
            {
                "name": "Goal",
                "weights": [1, 1],
                "children": [{"name": "x", "matrix": [[1, 0], [1, 1]], "children": CITIES[:2]}, {"name": "y"}],
            },
            ["tree", "children", 0, "matrix", 0, 1],
        ),
        ({"name": "Goal"}, ["tree", "children"]),
        ({"name": "", "weights": [1], "children": [{"name": "x"}]}, ["tree", "name"]),
    ],
)
def test_bad_hierarchies_are_located(scoring_client: TestClient, tree: Any, loc: list[str | int]) -> None:
    assert_invalid(scoring_client.post("/v1/ahp/hierarchy", json={"tree": tree}), ["body", *loc])
