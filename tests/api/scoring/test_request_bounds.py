"""Issue 16, item 3 and 4: no request does unbounded work, and hostile shapes are a 4xx problem+json."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from shared.schemas import scoring
from tests.api.scoring.support import assert_invalid


def problem(alternatives: int, criteria: int = 2, **extra: Any) -> dict[str, Any]:
    return {
        "alternatives": [f"a{i}" for i in range(alternatives)],
        "criteria": [{"name": f"c{j}", "type": "benefit", "weight": 1} for j in range(criteria)],
        "matrix": [[(i * (j + 3)) % 97 + 1 for j in range(criteria)] for i in range(alternatives)],
        **extra,
    }


def test_sensitivity_with_thousands_of_alternatives_is_refused_naming_the_limit(scoring_client: TestClient) -> None:
    response = scoring_client.post("/v1/sensitivity", json=problem(8000, samples=1))
    body = assert_invalid(response, ["body", "alternatives"], says=str(scoring.MAX_ALTERNATIVES))
    assert len(response.content) < 10_000, body


def test_sensitivity_answer_size_is_bounded_by_its_alternatives(scoring_client: TestClient) -> None:
    response = scoring_client.post("/v1/sensitivity", json=problem(scoring.MAX_SENSITIVITY_ALTERNATIVES + 1, samples=1))
    assert_invalid(response, ["body"], says=f"at most {scoring.MAX_SENSITIVITY_ALTERNATIVES} alternatives")


def test_sensitivity_work_is_bounded_by_samples_times_cells(scoring_client: TestClient) -> None:
    response = scoring_client.post("/v1/sensitivity", json=problem(400, 10, samples=scoring.MAX_SENSITIVITY_SAMPLES))
    assert_invalid(response, ["body"], says=str(scoring.MAX_SENSITIVITY_CELLS))


def test_sensitivity_within_the_bounds_still_answers(scoring_client: TestClient) -> None:
    response = scoring_client.post("/v1/sensitivity", json=problem(50, 3, samples=200))
    assert response.status_code == 200, response.text
    assert len(response.json()["rank_acceptability"]) == 50


def test_a_score_matrix_wider_than_the_limit_is_refused(scoring_client: TestClient) -> None:
    body = problem(2, 2)
    body["matrix"] = [[1.0] * (scoring.MAX_CRITERIA + 1), [2.0] * (scoring.MAX_CRITERIA + 1)]
    assert scoring_client.post("/v1/score", json=body).status_code == 422


def test_a_pairwise_matrix_beyond_the_largest_table_is_refused(scoring_client: TestClient) -> None:
    n = scoring.MAX_MATRIX_ORDER + 1
    matrix = [[1] * n for _ in range(n)]
    response = scoring_client.post("/v1/ahp/priorities", json={"matrix": matrix})
    assert_invalid(response, ["body", "matrix"], says=str(scoring.MAX_MATRIX_ORDER))


def chain(depth: int) -> str:
    return '{"name":"n","weights":[1],"children":[' * depth + '{"name":"leaf"}' + "]}" * depth


def test_a_tree_deeper_than_the_limit_is_a_short_422(scoring_client: TestClient) -> None:
    response = scoring_client.post(
        "/v1/ahp/hierarchy",
        content='{"tree":' + chain(scoring.MAX_HIERARCHY_DEPTH + 5) + "}",
        headers={"Content-Type": "application/json"},
    )
    assert_invalid(response, ["body", "tree"], says=f"deeper than {scoring.MAX_HIERARCHY_DEPTH} levels")
    assert len(response.content) < 2_000


def test_a_tree_within_the_limit_is_weighed(scoring_client: TestClient) -> None:
    response = scoring_client.post(
        "/v1/ahp/hierarchy",
        content='{"tree":' + chain(scoring.MAX_HIERARCHY_DEPTH - 2) + "}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["leaves"] == {"leaf": 1.0}


def test_a_body_nested_past_the_json_parser_is_a_4xx_with_errors(scoring_client: TestClient) -> None:
    response = scoring_client.post(
        "/v1/ahp/hierarchy", content='{"tree":' + chain(3000) + "}", headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["loc"] == ["body"]
