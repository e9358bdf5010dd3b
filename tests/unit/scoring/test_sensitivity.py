"""Unit tests of Monte Carlo rank acceptability, weight-stability intervals and weight sweeps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pymcdm import methods as pm_methods
from pymcdm import normalizations as pm_norm
from scipy.stats import rankdata

from services.scoring.engine.mcda import competition_ranks, prepare, score
from services.scoring.engine.sensitivity import (
    MAX_SAMPLES,
    rank_acceptability,
    weight_stability,
    weight_sweep,
)
from shared.errors import InvalidInput

# The Hwang and Yoon (1981) fighter-aircraft problem (see test_mcda.py).
AIRCRAFT = np.array(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]
)
WEIGHTS = np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.3])
TYPES = np.array([1, 1, 1, -1, 1, 1])


def test_shares_sum_to_one_per_alternative() -> None:
    result = rank_acceptability(AIRCRAFT, WEIGHTS, TYPES, samples=3000, seed=1, concentration=20)

    assert result.by_rank.shape == (4, 4)
    np.testing.assert_allclose(result.by_rank.sum(axis=1), 1.0)
    assert result.vectorised
    assert result.samples == 3000
    # A2 is last in the base ranking and stays near the bottom under moderate weight noise.
    assert result.by_rank[1, 3] > 0.5


def test_same_seed_same_answer() -> None:
    first = rank_acceptability(AIRCRAFT, WEIGHTS, TYPES, samples=500, seed=42, concentration=5)
    again = rank_acceptability(AIRCRAFT, WEIGHTS, TYPES, samples=500, seed=42, concentration=5)
    other = rank_acceptability(AIRCRAFT, WEIGHTS, TYPES, samples=500, seed=43, concentration=5)

    np.testing.assert_array_equal(first.by_rank, again.by_rank)
    assert not np.array_equal(first.by_rank, other.by_rank)


def test_vectorised_topsis_equals_pymcdm_topsis_sample_by_sample() -> None:
    prepared = prepare(AIRCRAFT, WEIGHTS, TYPES)
    samples = np.random.default_rng(5).dirichlet(10 * WEIGHTS, size=8)
    topsis = pm_methods.TOPSIS(pm_norm.vector_normalization)

    batch = prepared.scores(samples)

    for s, w in enumerate(samples):
        np.testing.assert_allclose(batch[s], topsis(AIRCRAFT, w, TYPES), rtol=1e-12, atol=1e-12)


def test_rank_acceptability_equals_a_loop_over_pymcdm() -> None:
    samples, seed, concentration = 300, 11, 8.0
    # The documented draw: one generator seeded with `seed`, Dirichlet over the positive weights.
    drawn = np.random.default_rng(seed).dirichlet(concentration * WEIGHTS, size=samples)
    topsis = pm_methods.TOPSIS(pm_norm.vector_normalization)
    counts = np.zeros((4, 4))
    for w in drawn:
        ranks = rankdata(-np.round(topsis(AIRCRAFT, w, TYPES), 12), method="min").astype(int)
        counts[np.arange(4), ranks - 1] += 1

    result = rank_acceptability(AIRCRAFT, WEIGHTS, TYPES, samples=samples, seed=seed, concentration=concentration)

    np.testing.assert_allclose(result.by_rank, counts / samples)


def test_zero_weight_criteria_stay_at_zero() -> None:
    with_unused = np.column_stack([AIRCRAFT, AIRCRAFT[:, 0][::-1]])
    weights = np.append(WEIGHTS, 0.0)

    result = rank_acceptability(with_unused, weights, np.append(TYPES, 1), samples=400, seed=3)
    without = rank_acceptability(AIRCRAFT, WEIGHTS, TYPES, samples=400, seed=3)

    np.testing.assert_array_equal(result.by_rank, without.by_rank)


def test_other_methods_fall_back_to_a_loop() -> None:
    result = rank_acceptability(AIRCRAFT, WEIGHTS, TYPES, samples=50, seed=0, method="vikor")

    assert not result.vectorised
    assert result.method == "vikor"
    np.testing.assert_allclose(result.by_rank.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    ("kwargs", "loc"),
    [
        ({"samples": MAX_SAMPLES + 1}, ["samples"]),
        ({"samples": 0}, ["samples"]),
        ({"concentration": 0.0}, ["concentration"]),
        ({"concentration": float("inf")}, ["concentration"]),
        ({"seed": -1}, ["seed"]),
    ],
)
def test_bad_sampling_parameters_are_rejected(kwargs: dict[str, Any], loc: list[str]) -> None:
    with pytest.raises(InvalidInput) as exc:
        rank_acceptability(AIRCRAFT, WEIGHTS, TYPES, **kwargs)

    assert exc.value.errors[0]["loc"] == loc


def _ranks_with(j: int, value: float) -> list[int]:
    others = np.delete(WEIGHTS, j)
    w = np.insert(others / others.sum() * (1 - value), j, value)
    return [int(r) for r in score(AIRCRAFT, w, TYPES).ranks]


def test_weight_stability_contains_the_current_weight_and_its_ends_are_sharp() -> None:
    base = score(AIRCRAFT, WEIGHTS, TYPES).ranks.tolist()

    intervals = weight_stability(AIRCRAFT, WEIGHTS, TYPES)

    assert [iv.criterion_index for iv in intervals] == list(range(6))
    inner_ends = 0
    for iv in intervals:
        assert iv.lower <= iv.weight <= iv.upper
        assert iv.weight == pytest.approx(WEIGHTS[iv.criterion_index])
        j = iv.criterion_index
        assert _ranks_with(j, iv.lower) == base
        assert _ranks_with(j, iv.upper) == base
        if iv.lower > 1e-3:
            inner_ends += 1
            assert _ranks_with(j, iv.lower - 1e-4) != base
        if iv.upper < 1 - 1e-3:
            inner_ends += 1
            assert _ranks_with(j, iv.upper + 1e-4) != base
    # The example has ranking changes on both sides for several criteria; make sure they were exercised.
    assert inner_ends >= 4


def test_weight_sweep_endpoints() -> None:
    sweep = weight_sweep(AIRCRAFT, WEIGHTS, TYPES, criterion_index=5, points=11)

    assert sweep.criterion_weights.tolist() == pytest.approx(np.linspace(0, 1, 11).tolist())
    assert sweep.scores.shape == sweep.ranks.shape == (11, 4)
    np.testing.assert_allclose(sweep.scores[0], score(AIRCRAFT, np.append(WEIGHTS[:5], 0.0), TYPES).scores)
    np.testing.assert_allclose(sweep.scores[-1], score(AIRCRAFT, np.eye(6)[5], TYPES).scores)
    at_current = np.argmin(np.abs(sweep.criterion_weights - 0.3))
    np.testing.assert_allclose(sweep.scores[at_current], score(AIRCRAFT, WEIGHTS, TYPES).scores)
    np.testing.assert_array_equal(sweep.ranks, competition_ranks(sweep.scores))


def test_weight_sweep_rejects_a_bad_criterion() -> None:
    with pytest.raises(InvalidInput) as exc:
        weight_sweep(AIRCRAFT, WEIGHTS, TYPES, criterion_index=6)

    assert exc.value.errors[0]["loc"] == ["criterion_index"]
