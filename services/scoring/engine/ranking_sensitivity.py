"""Sensitivity of a published ranking to its criterion weights: rank acceptability, stability intervals, a sweep.

Criterion weights vary; each criterion's indicators keep their local weights (the model's hierarchy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from services.scoring.engine.mcda import FloatArray, IntArray, invalid
from services.scoring.engine.ranking_model import RankingModel, dirichlet_around, proportional_weights, rank_shares

STABILITY_GRID_POINTS = 201
STABILITY_TOLERANCE = 1e-6
_BISECTION_STEPS = 20  # 1/200 / 2**20 < 1e-8: below the tolerance


@dataclass(frozen=True)
class Acceptability:
    """`by_rank[i, r]`: share of the samples in which scoped cluster i took rank r + 1."""

    samples: int
    by_rank: FloatArray


@dataclass(frozen=True)
class Stability:
    """`lower[c, i]`..`upper[c, i]`: the range of criterion c's weight (the others rescaled in proportion) in
    which scoped cluster i keeps its published rank; it contains the current weight."""

    weights: FloatArray
    lower: FloatArray
    upper: FloatArray


@dataclass(frozen=True)
class Sweep:
    """Scores and ranks of the scoped clusters (columns) at each weight of one criterion (rows)."""

    criterion: int
    weights: FloatArray
    scores: FloatArray
    ranks: IntArray


def rank_acceptability(
    model: RankingModel, *, samples: int, seed: int, concentration: float, chunk: int = 20_000
) -> Acceptability:
    """Rank acceptability under criterion weights drawn from Dirichlet(concentration * weights)."""
    rng = np.random.default_rng(seed)
    drawn = dirichlet_around(model.criterion_weights, concentration, samples, rng)
    n = int(model.scope.sum())
    shares = np.zeros((n, n))
    for start in range(0, samples, chunk):
        part = drawn[start : start + chunk]
        ranks = model.ranks(model.scores(model.global_weights(part)))
        shares += rank_shares(ranks) * len(part)
    return Acceptability(samples=samples, by_rank=shares / samples)


def _ranks_at(model: RankingModel, c: int, weights: FloatArray) -> IntArray:
    """Ranks (len(weights) x n_scope) with criterion c's weight at each of `weights`."""
    vectors = proportional_weights(model.criterion_weights, c, weights)
    return model.ranks(model.scores(model.global_weights(vectors)))


def stability_intervals(model: RankingModel, published: IntArray) -> Stability:
    """For every criterion and scoped cluster, the contiguous weight range around the current weight in which
    the cluster keeps `published` rank; the edges are found on a grid, then bisected to STABILITY_TOLERANCE."""
    criteria = model.criterion_weights.size
    n = int(model.scope.sum())
    lower, upper = np.zeros((criteria, n)), np.ones((criteria, n))
    grid = np.linspace(0.0, 1.0, STABILITY_GRID_POINTS)
    for c in range(criteria):
        current = float(model.criterion_weights[c])
        points = np.unique(np.append(grid, current))
        at = int(np.searchsorted(points, current))
        same = _ranks_at(model, c, points) == published[np.newaxis, :]
        if not same[at].all():
            raise invalid("the model does not reproduce the published ranks at the current weights", ["model"])
        # The contiguous run of True around `at`, per cluster: the last False below it and the first above.
        below = np.where(~same[: at + 1][::-1], 1, 0).argmax(axis=0)
        below_hit = (~same[: at + 1]).any(axis=0)
        above = np.where(~same[at:], 1, 0).argmax(axis=0)
        above_hit = (~same[at:]).any(axis=0)
        low_in = np.where(below_hit, at - below + 1, 0)  # first grid index inside the run
        high_in = np.where(above_hit, at + above - 1, len(points) - 1)  # last grid index inside the run
        lower[c] = points[low_in]
        upper[c] = points[high_in]
        # Bisect each edge that lies between a grid point inside the run and one outside it.
        for side in ("lower", "upper"):
            hit = below_hit if side == "lower" else above_hit
            clusters = np.flatnonzero(hit)
            if clusters.size == 0:
                continue
            inside = points[low_in[clusters]] if side == "lower" else points[high_in[clusters]]
            outside = points[low_in[clusters] - 1] if side == "lower" else points[high_in[clusters] + 1]
            for _ in range(_BISECTION_STEPS):
                middle = (inside + outside) / 2
                ranks = _ranks_at(model, c, middle)
                keeps = ranks[np.arange(clusters.size), clusters] == published[clusters]
                inside = np.where(keeps, middle, inside)
                outside = np.where(keeps, outside, middle)
                if np.max(np.abs(outside - inside)) < STABILITY_TOLERANCE:
                    break
            if side == "lower":
                lower[c, clusters] = inside
            else:
                upper[c, clusters] = inside
    return Stability(weights=model.criterion_weights.copy(), lower=lower, upper=upper)


def weight_sweep(model: RankingModel, c: int, points: int) -> Sweep:
    """Scores and ranks as criterion c's weight goes from 0 to 1; the current weight is one of the points."""
    weights = np.unique(np.append(np.linspace(0.0, 1.0, points), float(model.criterion_weights[c])))
    vectors = proportional_weights(model.criterion_weights, c, weights)
    # At the current weight the vector is the model's own, so the scores there are the ranking's scores.
    vectors[int(np.searchsorted(weights, model.criterion_weights[c]))] = model.criterion_weights
    scores = model.scores(model.global_weights(vectors))
    return Sweep(criterion=c, weights=weights, scores=scores[:, model.scope], ranks=model.ranks(scores))
