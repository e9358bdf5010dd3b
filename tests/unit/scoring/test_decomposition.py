"""Shapley contributions of the criteria to a fixed-reference score change (issue 13, item 4)."""

from __future__ import annotations

import itertools
import math

import numpy as np

from services.scoring.engine.decomposition import shapley_contributions


def topsis(scaled: np.ndarray, w: np.ndarray) -> float:
    w = w / w.sum()
    plus = math.sqrt(float(((w * (1 - scaled)) ** 2).sum()))
    minus = math.sqrt(float(((w * scaled) ** 2).sum()))
    return minus / (plus + minus)


def brute_force(before: np.ndarray, after: np.ndarray, w: np.ndarray, group: np.ndarray, criteria: int) -> np.ndarray:
    """Shapley values by their definition: the mean marginal change over all orders of the criteria."""
    out = np.zeros(criteria)
    orders = list(itertools.permutations(range(criteria)))
    for order in orders:
        current = before.copy()
        for c in order:
            previous = topsis(current, w)
            current[group == c] = after[group == c]
            out[c] += topsis(current, w) - previous
    return out / len(orders)


def test_contributions_add_up_to_the_change_and_match_the_definition() -> None:
    rng = np.random.default_rng(1)
    group = np.array([0, 0, 1, 1, 1, 2, 3, 3])
    w = rng.uniform(0.05, 0.3, size=group.size)
    before, after = rng.uniform(0, 1, size=(6, group.size)), rng.uniform(0, 1, size=(6, group.size))
    parts = shapley_contributions(before, after, w, group, 4, "topsis")
    for i in range(6):
        change = topsis(after[i], w) - topsis(before[i], w)
        assert abs(parts[i].sum() - change) < 1e-12
        np.testing.assert_allclose(parts[i], brute_force(before[i], after[i], w, group, 4), atol=1e-12)


def test_an_unchanged_criterion_gets_nothing() -> None:
    rng = np.random.default_rng(2)
    group = np.array([0, 1, 1, 2])
    w = np.array([0.2, 0.3, 0.1, 0.4])
    before = rng.uniform(0, 1, size=(3, 4))
    after = before.copy()
    after[:, 1:3] += 0.1
    parts = shapley_contributions(before, np.clip(after, 0, 1), w, group, 3, "topsis")
    np.testing.assert_array_equal(parts[:, 0], 0.0)
    np.testing.assert_array_equal(parts[:, 2], 0.0)


def test_the_weighted_sum_splits_by_its_terms() -> None:
    group = np.array([0, 1])
    w = np.array([0.25, 0.75])
    parts = shapley_contributions(np.array([[0.2, 0.4]]), np.array([[0.6, 0.5]]), w, group, 2, "wsm")
    np.testing.assert_allclose(parts[0], [0.25 * 0.4, 0.75 * 0.1], atol=1e-15)


def test_a_change_of_profile_is_one_more_player() -> None:
    """With other weights in the later year, the weights are a player too: by the definition, over every order of
    the criteria and the weights, and the parts add up to the whole change."""
    rng = np.random.default_rng(3)
    group = np.array([0, 0, 1, 2, 2])
    w_before, w_after = rng.uniform(0.05, 0.4, size=5), rng.uniform(0.05, 0.4, size=5)
    before, after = rng.uniform(0, 1, size=(4, 5)), rng.uniform(0, 1, size=(4, 5))
    parts = shapley_contributions(before, after, w_before, group, 3, "topsis", weights_after=w_after)
    assert parts.shape == (4, 4)
    orders = list(itertools.permutations(range(4)))  # players 0-2 the criteria, 3 the weights
    for i in range(4):
        expected = np.zeros(4)
        for order in orders:
            values, weights = before[i].copy(), w_before
            for player in order:
                previous = topsis(values, weights)
                if player == 3:
                    weights = w_after
                else:
                    values[group == player] = after[i][group == player]
                expected[player] += topsis(values, weights) - previous
        np.testing.assert_allclose(parts[i], expected / len(orders), atol=1e-12)
        assert abs(parts[i].sum() - (topsis(after[i], w_after) - topsis(before[i], w_before))) < 1e-12
