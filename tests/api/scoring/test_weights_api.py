"""POST /v1/weights/objective and /v1/weights/combined: weights from the data and blended weights."""

from __future__ import annotations

from typing import Any, get_args

import numpy as np
import pytest
from fastapi.testclient import TestClient

from shared.schemas.vocabulary import ObjectiveMethod
from tests.api.scoring.support import assert_invalid

CRITERIA = [
    {"name": "cost", "type": "cost"},
    {"name": "quality", "type": "benefit"},
    {"name": "delivery", "type": "benefit"},
]
MATRIX = [[250, 7, 3], [200, 6, 5], [300, 9, 4], [275, 8, 2]]


def objective(client: TestClient, **change: Any) -> Any:
    return client.post("/v1/weights/objective", json={"criteria": CRITERIA, "matrix": MATRIX, **change})


def test_entropy_weights(scoring_client: TestClient) -> None:
    response = objective(scoring_client)
    assert response.status_code == 200, response.text
    body = response.json()
    x = np.array(MATRIX, dtype=float)
    p = x / x.sum(axis=0)
    divergence = 1 + (p * np.log(p)).sum(axis=0) / np.log(len(x))
    expected = divergence / divergence.sum()
    assert body["method"] == "entropy"
    assert list(body["weights"]) == ["cost", "quality", "delivery"]
    assert list(body["weights"].values()) == pytest.approx(expected.tolist(), abs=1e-12)
    assert body["warnings"] == []


def test_standard_deviation_weights_ignore_units(scoring_client: TestClient) -> None:
    body = objective(scoring_client, method="standard_deviation").json()
    x = np.array(MATRIX, dtype=float)
    normalised = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    spread = normalised.std(axis=0)
    assert list(body["weights"].values()) == pytest.approx((spread / spread.sum()).tolist(), abs=1e-12)
    in_thousands = [[row[0] * 1000, *row[1:]] for row in MATRIX]
    rescaled = objective(scoring_client, method="standard_deviation", matrix=in_thousands).json()
    assert rescaled["weights"] == pytest.approx(body["weights"])


@pytest.mark.parametrize("method", get_args(ObjectiveMethod))
def test_every_method_gives_weights_summing_to_1(scoring_client: TestClient, method: str) -> None:
    response = objective(scoring_client, method=method)
    assert response.status_code == 200, response.text
    weights = response.json()["weights"]
    assert sum(weights.values()) == pytest.approx(1.0)
    assert all(w > 0 for w in weights.values())


@pytest.mark.parametrize("method", get_args(ObjectiveMethod))
def test_a_constant_criterion_gets_0_with_a_warning(scoring_client: TestClient, method: str) -> None:
    matrix = [[*row, 5] for row in MATRIX]
    criteria = [*CRITERIA, {"name": "size", "type": "benefit"}]
    body = objective(scoring_client, method=method, matrix=matrix, criteria=criteria).json()
    assert body["weights"]["size"] == 0
    assert sum(body["weights"].values()) == pytest.approx(1.0)
    assert any("'size'" in w for w in body["warnings"])


@pytest.mark.parametrize(
    ("change", "loc", "says"),
    [
        ({"method": "variance"}, ["method"], ""),
        ({"matrix": [[250, 7, 3], [200, None, 5], [300, 9, 4]]}, ["matrix", 1, 1], "missing"),
        ({"matrix": [[250, 7, 3], [200, 5], [300, 9, 4]]}, ["matrix", 1], "3 criteria"),
        ({"matrix": [[250, 7, 3]]}, ["matrix"], "at least 2"),
        ({"matrix": [[250, 7, 3], [200, -6, 5], [300, 9, 4]]}, ["matrix", 1, 1], ">= 0"),
        ({"matrix": [[250, 7, 3], [200, 0, 5], [300, 9, 4]], "method": "merec"}, ["matrix", 1, 1], "> 0"),
        ({"matrix": [[1, 1, 1], [1, 1, 1]]}, ["matrix"], "no criterion varies"),
        ({"criteria": [*CRITERIA[:2], {"name": "cost", "type": "cost"}]}, ["criteria", 2, "name"], "twice"),
        ({"criteria": [*CRITERIA[:2], {"name": "delivery", "type": "up"}]}, ["criteria", 2, "type"], ""),
    ],
)
def test_bad_objective_input_is_located(
    scoring_client: TestClient, change: dict[str, Any], loc: list[Any], says: str
) -> None:
    assert_invalid(objective(scoring_client, **change), ["body", *loc], says=says)


def combined(client: TestClient, **body: Any) -> Any:
    return client.post("/v1/weights/combined", json=body)


def test_linear_combination(scoring_client: TestClient) -> None:
    response = combined(scoring_client, subjective=[0.5, 0.3, 0.2], objective=[0.2, 0.3, 0.5], alpha=0.6)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {"method": "linear", "alpha": 0.6, "weights": pytest.approx([0.38, 0.3, 0.32]), "warnings": []}


def test_multiplicative_combination(scoring_client: TestClient) -> None:
    body = combined(scoring_client, subjective=[0.5, 0.3, 0.2], objective=[0.2, 0.3, 0.5], method="multiplicative")
    product = np.array([0.1, 0.09, 0.1])
    assert body.json()["weights"] == pytest.approx((product / product.sum()).tolist())
    assert body.json()["alpha"] is None


def test_weights_not_summing_to_1_are_normalised_with_a_warning(scoring_client: TestClient) -> None:
    body = combined(scoring_client, subjective=[5, 3, 2], objective=[0.2, 0.3, 0.5], alpha=1).json()
    assert body["weights"] == pytest.approx([0.5, 0.3, 0.2])
    assert body["warnings"] == ["the subjective weights did not sum to 1 and were normalised"]


def test_objective_weights_feed_the_combination(scoring_client: TestClient) -> None:
    derived = objective(scoring_client, method="critic").json()["weights"]
    body = combined(scoring_client, subjective=[0.6, 0.3, 0.1], objective=list(derived.values())).json()
    assert sum(body["weights"]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("body", "loc", "says"),
    [
        ({"subjective": [0.5, 0.5], "objective": [0.2, 0.3, 0.5]}, ["objective"], "one objective weight"),
        ({"subjective": [0.5, -0.5, 1], "objective": [0.2, 0.3, 0.5]}, ["subjective", 1], ""),
        ({"subjective": [0, 0, 0], "objective": [0.2, 0.3, 0.5]}, ["subjective"], "positive sum"),
        ({"subjective": [0.5, 0.5, 0], "objective": [0, 0, 1], "method": "multiplicative"}, ["objective"], "both"),
        ({"subjective": [0.5, 0.5], "objective": [0.5, 0.5], "alpha": 1.5}, ["alpha"], ""),
        ({"subjective": [0.5, 0.5], "objective": [0.5, 0.5], "method": "geometric"}, ["method"], ""),
        ({"subjective": [], "objective": []}, ["subjective"], ""),
    ],
)
def test_bad_combination_input_is_located(
    scoring_client: TestClient, body: dict[str, Any], loc: list[Any], says: str
) -> None:
    assert_invalid(combined(scoring_client, **body), ["body", *loc], says=says)
