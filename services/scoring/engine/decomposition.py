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
    before: FloatArray,
    after: FloatArray,
    weights: FloatArray,
    group_of: IntArray,
    criteria: int,
    method: str,
    *,
    weights_after: FloatArray | None = None,
) -> FloatArray:
    """Contributions to the score change of n clusters whose scaled values go from `before` to `after` (both n x m,
    on the fixed reference), for indicator weights `weights` (m) in criteria `group_of`: n x criteria.

    With `weights_after` (the later year scored under another profile) the change of weights is one more player:
    its part is an extra last column (n x (criteria + 1)), and all the parts still add up to the change."""
    players = criteria + (weights_after is not None)
    if players > MAX_CRITERIA:
        raise ValueError(f"at most {MAX_CRITERIA} criteria can be decomposed exactly")
    coalitions = np.array(list(product((False, True), repeat=players)), dtype=bool)  # 2^P x P
    # Every coalition's score for every cluster: criteria in the coalition take the later year's values, and the
    # weights player (when there is one) the later profile's weights.
    switched = coalitions[:, group_of]  # 2^P x m
    mixed = np.where(switched[:, np.newaxis, :], after[np.newaxis], before[np.newaxis])  # 2^P x n x m
    later = weights if weights_after is None else weights_after
    chosen = [later if players > criteria and row[criteria] else weights for row in coalitions]
    scores = np.stack([fixed_scores(m, w[np.newaxis, :], method)[0] for m, w in zip(mixed, chosen, strict=True)])
    index = {tuple(row): k for k, row in enumerate(coalitions.tolist())}
    size = coalitions.sum(axis=1)
    out = np.zeros((before.shape[0], players))
    for c in range(players):
        without = np.flatnonzero(~coalitions[:, c])
        for k in without:
            joined = coalitions[k].copy()
            joined[c] = True
            s = int(size[k])
            share = math.factorial(s) * math.factorial(players - s - 1) / math.factorial(players)
            out[:, c] += share * (scores[index[tuple(joined.tolist())]] - scores[k])
    return out
