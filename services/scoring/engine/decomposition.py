"""Each criterion's part of a score change between two years, by Shapley values over the criteria.

Fixed-reference TOPSIS is not additive, so a change cannot be split by weights alone. The Shapley value of
criterion c averages, over every order in which the criteria could switch from the earlier year's values to the
later year's, the change of the score when c switches. The parts add up to the whole change exactly (Shapley's
efficiency), and a criterion whose values did not change gets 0.
"""

from __future__ import annotations

import math
from itertools import product

import numpy as np

from services.scoring.engine.mcda import FloatArray, IntArray
from services.scoring.engine.ranking_model import fixed_scores

MAX_CRITERIA = 12
"""2^12 coalitions per cluster; the reference system has 7 criteria."""


def shapley_contributions(
    before: FloatArray, after: FloatArray, weights: FloatArray, group_of: IntArray, criteria: int, method: str
) -> FloatArray:
    """Contributions (n x criteria) to the score change of n clusters whose scaled values go from `before` to
    `after` (both n x m, on the fixed reference), for indicator weights `weights` (m) in criteria `group_of`."""
    if criteria > MAX_CRITERIA:
        raise ValueError(f"at most {MAX_CRITERIA} criteria can be decomposed exactly")
    coalitions = np.array(list(product((False, True), repeat=criteria)), dtype=bool)  # 2^C x C
    # Every coalition's score for every cluster: criteria in the coalition take the later year's values.
    switched = coalitions[:, group_of]  # 2^C x m
    mixed = np.where(switched[:, np.newaxis, :], after[np.newaxis], before[np.newaxis])  # 2^C x n x m
    scores = np.stack([fixed_scores(m, weights[np.newaxis, :], method)[0] for m in mixed])  # 2^C x n
    index = {tuple(row): k for k, row in enumerate(coalitions.tolist())}
    size = coalitions.sum(axis=1)
    out = np.zeros((before.shape[0], criteria))
    for c in range(criteria):
        without = np.flatnonzero(~coalitions[:, c])
        for k in without:
            joined = coalitions[k].copy()
            joined[c] = True
            s = int(size[k])
            share = math.factorial(s) * math.factorial(criteria - s - 1) / math.factorial(criteria)
            out[:, c] += share * (scores[index[tuple(joined.tolist())]] - scores[k])
    return out
