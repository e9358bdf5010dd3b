"""POST /v1/score and /v1/compare, and what every computation endpoint shares: keys, docs, no NaN."""

from __future__ import annotations

from typing import Any, get_args

import numpy as np
import pytest
from fastapi.testclient import TestClient

from services.scoring.engine.mcda import METHODS, NORMALIZATIONS, ScoreResult
from services.scoring.engine.random_index import random_index
from services.scoring.engine.sensitivity import MAX_SAMPLES
from services.scoring.engine.weights import objective_weights
from services.scoring.scores import service as scores_service
from shared.schemas import scoring as schemas
from shared.schemas import vocabulary
from tests.api.scoring.support import PROBLEM, all_finite, assert_invalid


def topsis_vector(matrix: list[list[float]], weights: list[float], cost: list[bool]) -> np.ndarray:
    """Classical TOPSIS (Hwang and Yoon) with vector normalisation, written out."""
    x = np.array(matrix, dtype=float)
    v = x / np.sqrt((x**2).sum(axis=0)) * np.array(weights) / sum(weights)
    best = np.where(cost, v.min(axis=0), v.max(axis=0))
    worst = np.where(cost, v.max(axis=0), v.min(axis=0))
    to_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    to_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    return np.asarray(to_worst / (to_best + to_worst))


def test_api_example_ranks_best_first(scoring_client: TestClient) -> None:
    response = scoring_client.post("/v1/score", json=PROBLEM)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["method"], body["normalization"], body["higher_is_better"]) == ("topsis", "vector", True)
    assert [r["rank"] for r in body["results"]] == [1, 2, 3]
    assert [r["alternative"] for r in body["results"]] == ["A3", "A2", "A1"]
    expected = topsis_vector(PROBLEM["matrix"], [0.4, 0.6], [True, False])
    scores = {r["alternative"]: r["score"] for r in body["results"]}
    assert [scores["A1"], scores["A2"], scores["A3"]] == pytest.approx(expected.tolist(), abs=1e-12)
    assert body["warnings"] == []


@pytest.mark.parametrize("method", list(get_args(schemas.ScoreMethod)))
def test_every_method_ranks_best_first(scoring_client: TestClient, method: str) -> None:
    response = scoring_client.post("/v1/score", json={**PROBLEM, "method": method})
    assert response.status_code == 200, response.text
    body = response.json()
    results = body["results"]
    assert [r["rank"] for r in results] == sorted(r["rank"] for r in results)
    assert results[0]["rank"] == 1
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=body["higher_is_better"])


def test_vikor_rank_one_has_the_lowest_q(scoring_client: TestClient) -> None:
    body = scoring_client.post("/v1/score", json={**PROBLEM, "method": "vikor"}).json()
    assert body["higher_is_better"] is False
    assert body["normalization"] == "minmax"
    results = body["results"]
    assert results[0] == {"alternative": "A3", "score": 0.0, "rank": 1}
    assert [r["score"] for r in results] == sorted(r["score"] for r in results)
    assert [r["rank"] for r in results] == [1, 2, 3]


def test_equal_scores_share_a_rank(scoring_client: TestClient) -> None:
    problem = {**PROBLEM, "alternatives": ["A1", "A2", "A3"], "matrix": [[250, 7], [250, 7], [300, 9]]}
    for method in ("topsis", "vikor", "wsm"):
        body = scoring_client.post("/v1/score", json={**problem, "method": method}).json()
        ranks = {r["alternative"]: r["rank"] for r in body["results"]}
        assert ranks["A1"] == ranks["A2"], method
        assert sorted(ranks.values()) in ([1, 1, 3], [1, 2, 2]), method


def test_a_constant_and_an_all_zero_criterion_give_finite_scores_and_warnings(scoring_client: TestClient) -> None:
    problem = {
        "alternatives": ["A1", "A2", "A3"],
        "criteria": [
            *PROBLEM["criteria"],
            {"name": "size", "type": "benefit", "weight": 0.2},
            {"name": "defects", "type": "cost", "weight": 0.2},
        ],
        "matrix": [[250, 7, 5, 0], [200, 6, 5, 0], [300, 9, 5, 0]],
    }
    plain = scoring_client.post("/v1/score", json=PROBLEM).json()
    for method in get_args(schemas.ScoreMethod):
        response = scoring_client.post("/v1/score", json={**problem, "method": method})
        assert response.status_code == 200, (method, response.text)
        body = response.json()
        assert all_finite(body), method
        warnings = " ".join(body["warnings"])
        assert "'size'" in warnings, method
        assert "'defects'" in warnings, method
    with_constants = scoring_client.post("/v1/score", json=problem).json()
    assert [r["alternative"] for r in with_constants["results"]] == [r["alternative"] for r in plain["results"]]


def test_every_criterion_constant_gives_equal_finite_scores(scoring_client: TestClient) -> None:
    problem = {**PROBLEM, "matrix": [[0, 7], [0, 7], [0, 7]]}
    body = scoring_client.post("/v1/score", json=problem).json()
    assert all_finite(body)
    assert [r["rank"] for r in body["results"]] == [1, 1, 1]
    assert body["warnings"]


def test_weights_not_summing_to_1_are_normalised_with_a_warning(scoring_client: TestClient) -> None:
    scaled = {**PROBLEM, "criteria": [{**c, "weight": c["weight"] * 10} for c in PROBLEM["criteria"]]}
    body = scoring_client.post("/v1/score", json=scaled).json()
    assert any("normalised" in w for w in body["warnings"])
    assert body["results"] == scoring_client.post("/v1/score", json=PROBLEM).json()["results"]


def with_criterion(j: int, **change: Any) -> list[dict[str, Any]]:
    criteria = [dict(c) for c in PROBLEM["criteria"]]
    criteria[j].update(change)
    return criteria


@pytest.mark.parametrize(
    ("change", "loc", "says"),
    [
        ({"matrix": [[250, 7], [200, None], [300, 9]]}, ["matrix", 1, 1], "missing"),
        ({"matrix": [[250, 7], [200, "a lot"], [300, 9]]}, ["matrix", 1, 1], "number"),
        ({"matrix": [[250, 7], [200], [300, 9]]}, ["matrix", 1], "2 criteria"),
        ({"matrix": [[250, 7], [200, 6]]}, ["matrix"], "3 alternatives"),
        ({"matrix": []}, ["matrix"], ""),
        ({"alternatives": ["A1", "A2", "A1"]}, ["alternatives", 2], "twice"),
        ({"criteria": with_criterion(1, name="cost")}, ["criteria", 1, "name"], "twice"),
        ({"criteria": with_criterion(0, weight=-0.4)}, ["criteria", 0, "weight"], "greater than or equal to 0"),
        ({"criteria": [{**c, "weight": 0} for c in PROBLEM["criteria"]]}, ["criteria"], "positive sum"),
        ({"criteria": with_criterion(1, type="good")}, ["criteria", 1, "type"], ""),
        ({"criteria": []}, ["criteria"], ""),
        ({"method": "electre"}, ["method"], ""),
        ({"normalization": "zscore"}, ["normalization"], ""),
        ({"method": "promethee_ii", "normalization": "vector"}, ["normalization"], "leave it out"),
        ({"method": "wsm", "matrix": [[250, 7], [200, 0], [300, 9]]}, ["matrix", 1, 1], "> 0"),
        ({"method": "edas", "matrix": [[250, 7], [200, -6], [300, 9]]}, ["matrix", 1, 1], ">= 0"),
        ({"normalisation": "vector"}, ["normalisation"], "not permitted"),
    ],
)
def test_bad_input_is_located(scoring_client: TestClient, change: dict[str, Any], loc: list[Any], says: str) -> None:
    assert_invalid(scoring_client.post("/v1/score", json={**PROBLEM, **change}), ["body", *loc], says=says)


@pytest.mark.parametrize("literal", ["NaN", "Infinity"])
def test_non_finite_values_and_weights_are_located(scoring_client: TestClient, literal: str) -> None:
    def body(weight: str, value: str) -> str:
        criteria = (
            f'[{{"name": "c", "type": "cost", "weight": {weight}}}, {{"name": "q", "type": "benefit", "weight": 1}}]'
        )
        return f'{{"alternatives": ["A1", "A2"], "criteria": {criteria}, "matrix": [[1, {value}], [2, 3]]}}'

    headers = {"Content-Type": "application/json"}
    content = body("1", literal)
    assert_invalid(scoring_client.post("/v1/score", content=content, headers=headers), ["body", "matrix", 0, 1])
    content = body(literal, "2")
    assert_invalid(
        scoring_client.post("/v1/score", content=content, headers=headers), ["body", "criteria", 0, "weight"]
    )


def test_a_non_finite_result_is_a_422_not_a_500(scoring_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> ScoreResult:
        return ScoreResult(np.array([np.nan, 1.0, 0.0]), np.array([1, 2, 3]), "topsis", "vector", True, ())

    monkeypatch.setattr(scores_service, "score", broken)
    response = scoring_client.post("/v1/score", json=PROBLEM)
    assert_invalid(response, ["body"], says="not a finite number")


def test_compare_returns_every_ranking_and_symmetric_agreement(scoring_client: TestClient) -> None:
    response = scoring_client.post("/v1/compare", json=PROBLEM)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["methods"] == list(schemas.DEFAULT_COMPARE_METHODS) == list(get_args(vocabulary.RankingMethod))
    assert [r["method"] for r in body["rankings"]] == body["methods"]
    n = len(body["methods"])
    for name in ("spearman", "ws"):
        matrix = np.array(body[name])
        assert matrix.shape == (n, n)
        assert np.allclose(matrix, matrix.T)
        assert np.allclose(np.diag(matrix), 1.0)
        assert ((matrix >= -1) & (matrix <= 1)).all()
    for ranking in body["rankings"]:
        alone = scoring_client.post("/v1/score", json={**PROBLEM, "method": ranking["method"]}).json()
        assert ranking["results"] == alone["results"]
        assert ranking["normalization"] == alone["normalization"]
    topsis, vikor = body["methods"].index("topsis"), body["methods"].index("vikor")
    # topsis ranks A3, A2, A1 and vikor A3, A1, A2: ranks (3, 2, 1) against (2, 3, 1).
    assert body["spearman"][topsis][vikor] == pytest.approx(0.5)


def test_compare_with_chosen_methods_and_normalization(scoring_client: TestClient) -> None:
    request = {**PROBLEM, "methods": ["topsis", "wsm", "promethee_ii"], "normalization": "minmax"}
    body = scoring_client.post("/v1/compare", json=request).json()
    assert [r["normalization"] for r in body["rankings"]] == ["minmax", "minmax", None]


@pytest.mark.parametrize(
    ("methods", "loc"),
    [(["topsis", "topsis"], ["methods", 1]), (["topsis", "electre"], ["methods", 1]), ([], ["methods"])],
)
def test_bad_method_lists_are_located(scoring_client: TestClient, methods: list[str], loc: list[Any]) -> None:
    assert_invalid(scoring_client.post("/v1/compare", json={**PROBLEM, "methods": methods}), ["body", *loc])


# --- what every computation endpoint shares ------------------------------------------------------------------

ENDPOINTS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("/v1/ahp/priorities", schemas.PRIORITIES_EXAMPLE, schemas.PRIORITIES_RESULT_EXAMPLE),
    ("/v1/ahp/group", schemas.GROUP_EXAMPLE, schemas.GROUP_RESULT_EXAMPLE),
    ("/v1/ahp/hierarchy", schemas.HIERARCHY_EXAMPLE, schemas.HIERARCHY_RESULT_EXAMPLE),
    ("/v1/score", schemas.SCORE_EXAMPLE, schemas.SCORE_RESULT_EXAMPLE),
    ("/v1/compare", schemas.COMPARE_EXAMPLE, schemas.COMPARE_RESULT_EXAMPLE),
    ("/v1/sensitivity", schemas.SENSITIVITY_EXAMPLE, schemas.SENSITIVITY_RESULT_EXAMPLE),
    ("/v1/weights/objective", schemas.OBJECTIVE_WEIGHTS_EXAMPLE, schemas.OBJECTIVE_WEIGHTS_RESULT_EXAMPLE),
    ("/v1/weights/combined", schemas.COMBINED_WEIGHTS_EXAMPLE, schemas.COMBINED_WEIGHTS_RESULT_EXAMPLE),
]


def approx_document(expected: Any) -> Any:
    """The documented example, to the 4 decimals it is written with."""
    if isinstance(expected, float):
        return pytest.approx(expected, abs=5.01e-5)
    if isinstance(expected, list):
        return [approx_document(v) for v in expected]
    if isinstance(expected, dict):
        return {k: approx_document(v) for k, v in expected.items()}
    return expected


def without_nulls(document: Any) -> Any:
    """The document as FastAPI writes it into OpenAPI, which drops every null."""
    if isinstance(document, list):
        return [without_nulls(v) for v in document]
    if isinstance(document, dict):
        return {k: without_nulls(v) for k, v in document.items() if v is not None}
    return document


@pytest.mark.parametrize(("path", "request_example", "response_example"), ENDPOINTS)
def test_docs_carry_a_worked_example_that_the_endpoint_gives(
    scoring_client: TestClient, path: str, request_example: dict[str, Any], response_example: dict[str, Any]
) -> None:
    operation = scoring_client.get("/openapi.json").json()["paths"][path]["post"]
    assert operation["summary"]
    assert operation["description"]
    assert operation["responses"]["200"]["content"]["application/json"]["example"] == without_nulls(response_example)
    problem = operation["responses"]["422"]["content"]["application/problem+json"]["example"]
    assert problem["status"] == 422
    assert problem["errors"][0]["loc"][0] == "body"
    answer = scoring_client.post(path, json=request_example)
    assert answer.status_code == 200, answer.text
    assert answer.json() == approx_document(response_example)


def test_every_documented_field_is_described(scoring_client: TestClient) -> None:
    schemas_doc = scoring_client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("PrioritiesRequest", "GroupResponse", "HierarchyNode", "ScoreRequest", "SensitivityResponse"):
        for field, spec in schemas_doc[name]["properties"].items():
            assert spec.get("description"), f"{name}.{field}"
    assert schemas_doc["PrioritiesRequest"]["examples"][0]["matrix"] == schemas.DRINKS_MATRIX
    assert schemas_doc["ScoreRequest"]["examples"][0]["alternatives"] == ["A1", "A2", "A3"]


def test_schema_choices_are_the_engines() -> None:
    assert set(get_args(vocabulary.ScoreMethod)) == set(METHODS)
    assert set(get_args(vocabulary.Normalization)) == set(NORMALIZATIONS)
    # The engine takes these names from the vocabulary itself; what is left to check is that it has values
    # (a random index) or a computation (objective weights) for each of them.
    assert all(random_index(3, table) > 0 for table in get_args(vocabulary.RiTable))
    matrix, types = [[1.0, 2.0], [2.0, 1.0], [3.0, 4.0]], ["benefit", "cost"]
    for method in get_args(vocabulary.ObjectiveMethod):
        assert objective_weights(matrix, types, method=method).weights.sum() == pytest.approx(1.0)
    assert schemas.MAX_SENSITIVITY_SAMPLES == MAX_SAMPLES


@pytest.mark.parametrize(("path", "request_example", "_"), ENDPOINTS)
def test_no_key_is_a_401(scoring_client: TestClient, path: str, request_example: dict[str, Any], _: Any) -> None:
    del scoring_client.headers["X-API-Key"]
    response = scoring_client.post(path, json=request_example)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_viewer_key_checked_by_the_indicator_service_may_compute(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    key = indicators_client.post("/v1/api-keys", json={"name": "dashboard", "role": "viewer"}).json()["key"]
    for path, request_example, _ in ENDPOINTS:
        response = scoring_client.post(path, json=request_example, headers={"X-API-Key": key})
        assert response.status_code == 200, (path, response.text)
    unknown = scoring_client.post("/v1/score", json=PROBLEM, headers={"X-API-Key": "amc_not-a-key"})
    assert unknown.status_code == 401
