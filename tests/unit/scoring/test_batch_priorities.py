"""The batched priorities of the panel's Monte Carlo agree with `priorities`, one matrix at a time."""

from __future__ import annotations

import numpy as np
import pytest

from services.scoring.engine import ahp


def random_reciprocal(rng: np.random.Generator, n: int) -> np.ndarray:
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])
    matrix = np.ones((n, n))
    upper = np.triu_indices(n, 1)
    matrix[upper] = rng.choice(scale, size=len(upper[0]))
    matrix[(upper[1], upper[0])] = 1 / matrix[upper]
    return matrix


@pytest.mark.parametrize("method", ["eigenvector", "geometric_mean"])
@pytest.mark.parametrize("n", [3, 5, 7])
def test_batched_priorities_equal_one_by_one(method: str, n: int) -> None:
    rng = np.random.default_rng(n)
    stack = np.array([random_reciprocal(rng, n) for _ in range(50)])
    batched = ahp.batch_priorities(stack, method)
    for k, matrix in enumerate(stack):
        expected = ahp.priorities(matrix.tolist(), method=method).weights
        np.testing.assert_allclose(batched[k], expected, rtol=1e-10, atol=1e-13)
