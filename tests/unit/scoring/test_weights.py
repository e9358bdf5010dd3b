"""Unit tests of objective weights (entropy, CRITIC, standard deviation, MEREC) and combined weights."""

from __future__ import annotations

from typing import Any, get_args

import numpy as np
import numpy.typing as npt
import pytest
from pymcdm import weights as pm_weights

from services.scoring.engine.weights import combined_weights, objective_weights
from shared.errors import InvalidInput
from shared.schemas.vocabulary import ObjectiveMethod

MATRIX = np.array(
    [
        [3.2, 120.0, 14.0, 0.6],
        [5.1, 300.0, 9.0, 0.4],
        [1.8, 80.0, 20.0, 1.1],
        [4.0, 260.0, 12.0, 0.9],
        [2.5, 150.0, 6.0, 0.3],
    ]
)
TYPES = ["benefit", "benefit", "benefit", "cost"]
WITH_A_ZERO = MATRIX.copy()
WITH_A_ZERO[3, 1] = 0.0


def hand_entropy(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    p = x / x.sum(axis=0)
    terms = np.zeros_like(p)
    np.multiply(p, np.log(p, where=p > 0, out=np.zeros_like(p)), out=terms, where=p > 0)
    e = -terms.sum(axis=0) / np.log(x.shape[0])
    return np.asarray((1 - e) / (1 - e).sum())


def hand_critic(x: npt.NDArray[np.float64], benefit: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    low, high = x.min(axis=0), x.max(axis=0)
    r = np.where(benefit, (x - low) / (high - low), (high - x) / (high - low))
    sigma = r.std(axis=0, ddof=1)
    conflict = (1 - np.corrcoef(r, rowvar=False)).sum(axis=0)
    c = sigma * conflict
    return np.asarray(c / c.sum())


def test_entropy_matches_a_hand_computation_and_pymcdm() -> None:
    result = objective_weights(MATRIX, TYPES, method="entropy")

    np.testing.assert_allclose(result.weights, hand_entropy(MATRIX), atol=1e-12)
    np.testing.assert_allclose(result.weights, pm_weights.entropy_weights(MATRIX), atol=1e-12)
    assert result.weights.sum() == pytest.approx(1.0)


def test_entropy_accepts_zero_counts() -> None:
    x = MATRIX.copy()
    x[[0, 2], 2] = 0.0

    result = objective_weights(x, TYPES, method="entropy")

    np.testing.assert_allclose(result.weights, hand_entropy(x), atol=1e-12)


def test_critic_matches_a_hand_computation() -> None:
    result = objective_weights(MATRIX, TYPES, method="critic")

    np.testing.assert_allclose(result.weights, hand_critic(MATRIX, np.array([True, True, True, False])), atol=1e-12)


def test_critic_depends_on_direction() -> None:
    as_cost = objective_weights(MATRIX, TYPES, method="critic").weights
    as_benefit = objective_weights(MATRIX, ["benefit"] * 4, method="critic").weights

    assert not np.allclose(as_cost, as_benefit)


def test_standard_deviation_weights_do_not_depend_on_units() -> None:
    in_other_units = MATRIX * np.array([1.0, 1000.0, 1.0, 0.01])

    ours = objective_weights(MATRIX, TYPES, method="standard_deviation").weights
    ours_rescaled = objective_weights(in_other_units, TYPES, method="standard_deviation").weights

    np.testing.assert_allclose(ours, ours_rescaled, atol=1e-12)
    r = (MATRIX - MATRIX.min(axis=0)) / np.ptp(MATRIX, axis=0)
    np.testing.assert_allclose(ours, r.std(axis=0, ddof=1) / r.std(axis=0, ddof=1).sum(), atol=1e-12)
    # pymcdm's own, on raw values, is dominated by the column with the largest unit.
    raw = pm_weights.standard_deviation_weights(in_other_units)
    assert raw[1] > 0.99


def test_merec_matches_pymcdm() -> None:
    result = objective_weights(MATRIX, TYPES, method="merec")

    np.testing.assert_allclose(result.weights, pm_weights.merec_weights(MATRIX, np.array([1, 1, 1, -1])), atol=1e-12)


@pytest.mark.parametrize("method", get_args(ObjectiveMethod))
def test_a_constant_column_gets_weight_zero(method: str) -> None:
    x = np.column_stack([MATRIX, np.full(5, 4.0)])

    result = objective_weights(x, [*TYPES, "benefit"], method=method, criteria_names=["a", "b", "c", "d", "flat"])

    assert result.weights[-1] == 0.0
    assert result.weights.sum() == pytest.approx(1.0)
    assert np.isfinite(result.weights).all()
    assert result.warnings == ("criterion 'flat' does not vary across the alternatives and gets weight 0",)


@pytest.mark.parametrize(
    ("matrix", "method", "loc"),
    [
        (MATRIX * np.array([1, 1, -1, 1]), "entropy", ["matrix", 0, 2]),
        (WITH_A_ZERO, "merec", ["matrix", 3, 1]),
        (MATRIX[:1], "critic", ["matrix"]),
        (np.ones((3, 4)), "critic", ["matrix"]),
        (MATRIX, "topsis", ["method"]),
    ],
)
def test_objective_weight_errors_are_located(matrix: Any, method: str, loc: list[Any]) -> None:
    with pytest.raises(InvalidInput) as exc:
        objective_weights(matrix, TYPES, method=method)

    assert exc.value.errors[0]["loc"] == loc


def test_linear_combination() -> None:
    combined = combined_weights([0.5, 0.3, 0.2], [2, 1, 1], method="linear", alpha=0.25)

    np.testing.assert_allclose(combined, 0.25 * np.array([0.5, 0.3, 0.2]) + 0.75 * np.array([0.5, 0.25, 0.25]))
    assert combined.sum() == pytest.approx(1.0)


def test_multiplicative_combination() -> None:
    combined = combined_weights([0.5, 0.3, 0.2], [0.2, 0.2, 0.6], method="multiplicative")

    product = np.array([0.1, 0.06, 0.12])
    np.testing.assert_allclose(combined, product / product.sum())


@pytest.mark.parametrize("method", ["linear", "multiplicative"])
def test_combined_weights_whose_sums_overflow(method: str) -> None:
    # Each set sums to infinity; divided by that sum the linear blend was [0, 0] and the multiplicative one refused.
    huge = combined_weights([1.7e308, 1.7e308 / 2], [1.7e308, 1.7e308], method=method)

    np.testing.assert_allclose(huge, combined_weights([2, 1], [1, 1], method=method), rtol=1e-14)
    assert huge.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("subjective", "objective", "kwargs", "loc"),
    [
        ([0.5, 0.5], [0.5, 0.5], {"alpha": 1.5}, ["alpha"]),
        ([0.5, 0.5], [0.5, 0.5], {"method": "geometric"}, ["method"]),
        ([0.5, 0.5], [0.2, 0.3, 0.5], {}, ["objective"]),
        ([0.5, -0.5], [0.5, 0.5], {}, ["subjective", 1]),
        ([1.0, 0.0], [0.0, 1.0], {"method": "multiplicative"}, ["objective"]),
    ],
)
def test_combined_weight_errors_are_located(
    subjective: list[float], objective: list[float], kwargs: dict[str, Any], loc: list[Any]
) -> None:
    with pytest.raises(InvalidInput) as exc:
        combined_weights(subjective, objective, **kwargs)

    assert exc.value.errors[0]["loc"] == loc
