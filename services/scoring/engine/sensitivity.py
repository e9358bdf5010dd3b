"""How stable a ranking is under its weights: Monte Carlo rank acceptability, stability intervals, sweeps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from services.scoring.engine.mcda import (
    FloatArray,
    IntArray,
    PreparedProblem,
    competition_ranks,
    invalid,
    prepare,
)

MAX_SAMPLES = 100_000
# Bounds the scratch memory of one chunk of Monte Carlo samples (scores, ranks and their temporaries).
CHUNK_BYTES = 200 * 1024 * 1024
STABILITY_GRID_POINTS = 201
STABILITY_TOLERANCE = 1e-7
# Points tried per refinement round when closing in on a ranking-change boundary: each round is one batch.
_REFINE_POINTS = 32

TypesLike = Sequence[str | int] | npt.ArrayLike


@dataclass(frozen=True)
class RankAcceptability:
    """Shares of Monte Carlo weight samples in which each alternative took each rank.

    `by_rank[i, r]` is the share of samples in which alternative i took rank r + 1 (competition ranks, so
    tied alternatives both count at the better rank); each row sums to 1. `vectorised` is False when the
    method has no batch path and was run once per sample through pymcdm.
    """

    samples: int
    seed: int
    concentration: float
    method: str
    normalization: str | None
    by_rank: FloatArray
    vectorised: bool
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class WeightInterval:
    """The range [lower, upper] of one criterion's weight within which the whole ranking stays as it is.

    The other weights are rescaled in proportion so that the weights keep summing to 1.
    """

    criterion_index: int
    weight: float
    lower: float
    upper: float


@dataclass(frozen=True)
class WeightSweep:
    """Scores and ranks of every alternative (columns) as one criterion's weight goes from 0 to 1 (rows)."""

    criterion_index: int
    criterion_weights: FloatArray
    scores: FloatArray
    ranks: IntArray


def _chunk_size(prepared: PreparedProblem) -> int:
    m, k = prepared.problem.matrix.shape
    # Per sample: its weights, two distances, the scores, rank keys, sort order, ranks and masks.
    per_sample = 8 * (2 * k + 12 * m)
    return max(1, int(CHUNK_BYTES // per_sample))


def rank_acceptability(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: TypesLike,
    *,
    samples: int = 10_000,
    seed: int = 0,
    concentration: float = 50.0,
    method: str = "topsis",
    normalization: str | None = None,
    criteria_names: Sequence[str] | None = None,
) -> RankAcceptability:
    """Rank acceptability under weights drawn from Dirichlet(concentration * w).

    Criteria with zero weight stay at zero. All weight vectors are drawn first from one generator seeded with
    `seed` (the same seed gives the same answer), then scored in chunks of bounded memory. TOPSIS scores a
    whole chunk in one vectorised pass; the other methods fall back to one pymcdm call per sample.
    """
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or not 1 <= samples <= MAX_SAMPLES:
        raise invalid(f"samples must be a whole number from 1 to {MAX_SAMPLES}", ["samples"])
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise invalid("seed must be a whole number >= 0", ["seed"])
    if not (np.isfinite(concentration) and concentration > 0):
        raise invalid("concentration must be a finite number > 0", ["concentration"])
    prepared = prepare(
        matrix, weights, types, method=method, normalization=normalization, criteria_names=criteria_names
    )
    w = prepared.problem.weights
    m, k = prepared.problem.matrix.shape
    positive = np.flatnonzero(w > 0)
    rng = np.random.default_rng(int(seed))
    drawn = np.zeros((samples, k))
    drawn[:, positive] = rng.dirichlet(concentration * w[positive], size=samples)

    counts = np.zeros(m * m, dtype=np.int64)
    offsets = np.arange(m) * m - 1
    chunk = _chunk_size(prepared)
    for start in range(0, samples, chunk):
        scores = prepared.scores(drawn[start : start + chunk])
        ranks = competition_ranks(scores, higher_is_better=prepared.method.higher_is_better)
        counts += np.bincount((ranks + offsets).ravel(), minlength=m * m)
    return RankAcceptability(
        samples=samples,
        seed=int(seed),
        concentration=float(concentration),
        method=prepared.method.name,
        normalization=prepared.normalization,
        by_rank=counts.reshape(m, m) / samples,
        vectorised=prepared.vectorised,
        warnings=prepared.warnings,
    )


def _weights_with(weights: FloatArray, j: int, values: FloatArray) -> FloatArray:
    """Weight vectors (len(values) x k) with w_j set to each value and the others rescaled to sum 1 - value."""
    others = weights.copy()
    others[j] = 0.0
    rest = others.sum()
    # When criterion j holds all the weight there is no proportion to keep; the others then share equally.
    share = others / rest if rest > 0 else np.where(np.arange(weights.size) == j, 0.0, 1.0 / (weights.size - 1))
    out = np.outer(1.0 - values, share)
    out[:, j] = values
    return out


def _ranking_changes(
    prepared: PreparedProblem, j: int, values: FloatArray, reference: IntArray
) -> npt.NDArray[np.bool_]:
    weights = _weights_with(prepared.problem.weights, j, values)
    ranks = competition_ranks(prepared.scores(weights), higher_is_better=prepared.method.higher_is_better)
    return np.asarray(np.any(ranks != reference, axis=1), dtype=np.bool_)


def _boundary(prepared: PreparedProblem, j: int, same: float, changed: float, reference: IntArray) -> float:
    """The point nearest `changed` known to keep the ranking, within STABILITY_TOLERANCE of the first change."""
    while abs(changed - same) > STABILITY_TOLERANCE:
        trial = np.linspace(same, changed, _REFINE_POINTS + 2)[1:-1]
        moved = _ranking_changes(prepared, j, trial, reference)
        first = int(np.argmax(moved)) if moved.any() else _REFINE_POINTS
        if first < _REFINE_POINTS:
            changed = float(trial[first])
        if first > 0:
            same = float(trial[first - 1])
    return same


def weight_stability(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: TypesLike,
    *,
    method: str = "topsis",
    normalization: str | None = None,
    criteria_names: Sequence[str] | None = None,
    grid_points: int = STABILITY_GRID_POINTS,
) -> tuple[WeightInterval, ...]:
    """For each criterion, the interval of its weight around the current one that keeps the whole ranking.

    The weight is moved over a grid on [0, 1] (the others rescaled in proportion); from the current weight the
    interval extends over the neighbouring grid points with an unchanged ranking, and each end is then refined
    to within STABILITY_TOLERANCE of the first change. A change that reverts between two grid points narrower
    than the grid step can be missed. With a single criterion its weight is always 1.
    """
    if not 3 <= grid_points <= 100_001:
        raise invalid("grid_points must be from 3 to 100001", ["grid_points"])
    prepared = prepare(
        matrix, weights, types, method=method, normalization=normalization, criteria_names=criteria_names
    )
    w = prepared.problem.weights
    k = w.size
    if k == 1:
        return (WeightInterval(0, 1.0, 1.0, 1.0),)
    intervals = []
    for j in range(k):
        current = float(w[j])
        grid = np.union1d(np.linspace(0.0, 1.0, grid_points), [current])
        at = int(np.searchsorted(grid, current))
        # The reference ranking is taken through the same rescaling, so floating-point noise in rebuilding
        # the current weights cannot register as a change at the current weight itself.
        reference_weights = _weights_with(w, j, np.array([current]))
        reference = competition_ranks(
            prepared.scores(reference_weights), higher_is_better=prepared.method.higher_is_better
        )[0]
        changed = _ranking_changes(prepared, j, grid, reference)
        changed[at] = False
        below = np.flatnonzero(changed[:at])
        above = np.flatnonzero(changed[at + 1 :])
        lower = (
            0.0
            if below.size == 0
            else _boundary(prepared, j, float(grid[below[-1] + 1]), float(grid[below[-1]]), reference)
        )
        upper = (
            1.0
            if above.size == 0
            else _boundary(prepared, j, float(grid[at + above[0]]), float(grid[at + 1 + above[0]]), reference)
        )
        intervals.append(WeightInterval(j, current, min(lower, current), max(upper, current)))
    return tuple(intervals)


def weight_sweep(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: TypesLike,
    *,
    criterion_index: int,
    points: int = 21,
    method: str = "topsis",
    normalization: str | None = None,
    criteria_names: Sequence[str] | None = None,
) -> WeightSweep:
    """Every alternative's score as criterion `criterion_index`'s weight goes over `points` steps from 0 to 1.

    The other weights are rescaled in proportion; all points are scored in one batch.
    """
    prepared = prepare(
        matrix, weights, types, method=method, normalization=normalization, criteria_names=criteria_names
    )
    k = prepared.problem.weights.size
    if isinstance(criterion_index, bool) or not 0 <= criterion_index < k:
        raise invalid(f"criterion_index must be from 0 to {k - 1}", ["criterion_index"])
    if not 2 <= points <= 10_001:
        raise invalid("points must be from 2 to 10001", ["points"])
    if k == 1:
        raise invalid("with a single criterion its weight is always 1; there is nothing to sweep", ["criteria"])
    values = np.linspace(0.0, 1.0, points)
    scores = prepared.scores(_weights_with(prepared.problem.weights, criterion_index, values))
    ranks = competition_ranks(scores, higher_is_better=prepared.method.higher_is_better)
    return WeightSweep(criterion_index, values, scores, ranks)
