"""Each listed inconsistency's `best_value` and `cr_after`, against independent one-dimensional grid searches.

The grid has 10,001 log-spaced values over [1/9, 9], one step being ln(81) / 10,000 = 4.4e-4 in log. lambda_max is
convex in the judgment's logarithm, so its minimiser lies within one step of the grid's best point, and no value
on the grid may give a smaller lambda_max than the engine's best value (beyond rounding, 1e-12).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from services.scoring.engine.ahp import priorities
from services.scoring.engine.random_index import random_index

GRID = np.geomspace(1 / 9, 9, 10_001)
GRID_STEP = math.log(81) / 10_000
SAATY_SCALE = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])


def saaty_matrix(n: int, rng: np.random.Generator, missing: frozenset[tuple[int, int]] = frozenset()) -> np.ndarray:
    """A reciprocal matrix of judgments drawn from Saaty's scale; NaN at the `missing` upper pairs (and mirrors)."""
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            value = np.nan if (i, j) in missing else float(rng.choice(SAATY_SCALE))
            a[i, j], a[j, i] = value, 1 / value
    return a


def with_values(a: np.ndarray, row: int, col: int, values: np.ndarray) -> np.ndarray:
    """A stack of copies of `a`, the k-th with a[row][col] = values[k] and its reciprocal."""
    stack = np.repeat(a[np.newaxis], len(values), axis=0)
    stack[:, row, col], stack[:, col, row] = values, 1 / values
    return stack


def perron_roots(stack: np.ndarray) -> np.ndarray:
    return np.linalg.eigvals(stack).real.max(axis=1)


def harker(stack: np.ndarray) -> np.ndarray:
    """Harker's matrices: each missing pair 0, each diagonal entry 1 + the judgments missing in its row."""
    missing = np.isnan(stack)
    out = np.where(missing, 0.0, stack)
    n = stack.shape[-1]
    out[:, np.arange(n), np.arange(n)] += missing.sum(axis=2)
    return out


def llsm_completed(stack: np.ndarray) -> np.ndarray:
    """Each matrix (all with the same gaps) with its gaps at w_i / w_j, w the least-squares fit of
    ln w_i - ln w_j = ln a_ij over the given i < j."""
    n = stack.shape[-1]
    rows, cols = np.nonzero(np.triu(~np.isnan(stack[0]), 1))
    design = np.zeros((len(rows), n))
    design[np.arange(len(rows)), rows], design[np.arange(len(rows)), cols] = 1.0, -1.0
    logs = np.log(stack[:, rows, cols]) @ np.linalg.pinv(design).T
    return np.where(np.isnan(stack), np.exp(logs[:, :, None] - logs[:, None, :]), stack)


def assert_best_on_the_grid(
    a: np.ndarray, lambda_max_of: Callable[[np.ndarray], np.ndarray], method: str = "eigenvector"
) -> int:
    """Checks every listed inconsistency of `a` against the grid; returns how many there were."""
    n = a.shape[0]
    ri = random_index(n, "saaty")
    result = priorities(a, method=method)  # type: ignore[arg-type]
    for item in result.inconsistencies:
        on_grid = lambda_max_of(with_values(a, item.row, item.col, GRID))
        k = int(np.argmin(on_grid))
        at_best = float(lambda_max_of(with_values(a, item.row, item.col, np.array([item.best_value])))[0])

        assert 1 / 9 <= item.best_value <= 9
        assert abs(math.log(item.best_value / GRID[k])) <= GRID_STEP + 1e-6, (item, GRID[k])
        assert at_best <= on_grid[k] + 1e-12
        assert item.cr_after == pytest.approx(max(at_best - n, 0.0) / (n - 1) / ri, abs=1e-9)
        assert 0.0 <= item.cr_after <= result.cr + 1e-12
    return len(result.inconsistencies)


@pytest.mark.parametrize("seed", range(12))
def test_best_value_of_a_complete_saaty_matrix_agrees_with_a_grid_search(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = saaty_matrix(4 + seed % 5, rng)

    assert assert_best_on_the_grid(a, perron_roots) >= 1


@pytest.mark.parametrize("seed", range(4))
def test_best_value_with_harkers_completion_agrees_with_a_grid_search(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    a = saaty_matrix(5, rng, missing=frozenset({(0, 4), (1, 3)}))

    assert assert_best_on_the_grid(a, lambda stack: perron_roots(harker(stack))) >= 1


@pytest.mark.parametrize("seed", range(3))
def test_best_value_with_the_geometric_mean_agrees_with_a_grid_search(seed: int) -> None:
    # The geometric mean's lambda_max is that of the LLSM completion, which moves with the judgment.
    rng = np.random.default_rng(200 + seed)
    a = saaty_matrix(5, rng, missing=frozenset({(0, 3)}))

    count = assert_best_on_the_grid(a, lambda stack: perron_roots(llsm_completed(stack)), method="geometric_mean")
    assert count >= 1


def test_best_value_with_the_optimal_completion_agrees_with_a_nested_search() -> None:
    # For each of 401 values of the judgment (a coarser grid, one step ln(81) / 400), the missing judgment is set
    # to the value that minimises lambda_max by a scalar search of the test's own.
    a = saaty_matrix(4, np.random.default_rng(7), missing=frozenset({(0, 3)}))
    coarse = np.geomspace(1 / 9, 9, 401)

    def least_lambda_max(b: np.ndarray) -> float:
        def at(log_gap: float) -> float:
            c = b.copy()
            c[0, 3], c[3, 0] = math.exp(log_gap), math.exp(-log_gap)
            return float(np.linalg.eigvals(c).real.max())

        return float(minimize_scalar(at, bounds=(-20, 20), method="bounded", options={"xatol": 1e-10}).fun)

    result = priorities(a, completion="optimal")
    assert result.inconsistencies
    for item in result.inconsistencies:
        on_grid = np.array([least_lambda_max(b) for b in with_values(a, item.row, item.col, coarse)])
        k = int(np.argmin(on_grid))
        at_best = least_lambda_max(with_values(a, item.row, item.col, np.array([item.best_value]))[0])

        assert abs(math.log(item.best_value / coarse[k])) <= math.log(81) / 400 + 1e-6
        assert at_best <= on_grid[k] + 1e-10
        assert item.cr_after == pytest.approx((at_best - 4) / 3 / 0.9, abs=1e-8)


def test_cr_after_is_the_cr_of_the_matrix_with_the_best_value() -> None:
    a = saaty_matrix(6, np.random.default_rng(11), missing=frozenset({(1, 4)}))
    for completion in ("harker", "optimal"):
        result = priorities(a, completion=completion)  # type: ignore[arg-type]
        for item in result.inconsistencies:
            changed = with_values(a, item.row, item.col, np.array([item.best_value]))[0]

            assert priorities(changed, completion=completion).cr == pytest.approx(item.cr_after, abs=1e-9)  # type: ignore[arg-type]


def test_a_single_odd_judgment_is_best_at_its_consistent_value() -> None:
    # Consistent with w = (8, 4, 2, 1) except a[0][3] = 1/2: with 8 there the matrix is consistent.
    a = np.divide.outer([8.0, 4, 2, 1], [8.0, 4, 2, 1])
    a[0, 3], a[3, 0] = 0.5, 2.0

    worst = priorities(a).inconsistencies[0]

    assert (worst.row, worst.col) == (0, 3)
    assert worst.best_value == pytest.approx(8.0, rel=1e-6)
    assert 0.0 <= worst.cr_after < 1e-9


def test_a_best_value_beyond_the_scale_stops_at_its_end() -> None:
    # a01 = 9 and a12 = 9 say w0 / w2 = 81, beyond the scale, so a02 is best at its end, 9, and the matrix stays
    # inconsistent; a01 (or a12) agrees with the other two at 1/9, the scale's other end, which makes it consistent.
    a = np.array([[1, 9, 1], [1 / 9, 1, 9], [1, 1 / 9, 1]])
    result = priorities(a)

    items = {(i.row, i.col): i for i in result.inconsistencies}

    assert items[(0, 2)].best_value == 9.0
    assert 0.0 < items[(0, 2)].cr_after < result.cr
    assert items[(0, 1)].best_value == pytest.approx(1 / 9, rel=1e-6)
    assert items[(0, 1)].cr_after < 1e-9
