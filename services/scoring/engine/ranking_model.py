"""A published ranking's model as arrays, scored under many weight vectors, imputations and methods at once.

Sensitivity, uncertainty and method comparison all run on this one model, so that each answers about exactly
the ranking that was published: the same imputed matrix, reference ranges, hierarchical weights (criterion
weights times the indicators' local weights), method and scope. Plain NumPy; no HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import get_args

import numpy as np
import numpy.typing as npt

from services.scoring.engine.mcda import (
    BoolArray,
    FloatArray,
    IntArray,
    competition_ranks,
    invalid,
    prepare,
    resolve_method,
)
from services.scoring.engine.reference import scale_to_reference
from shared.schemas.vocabulary import FixedReferenceMethod

FIXED_REFERENCE_METHODS: tuple[FixedReferenceMethod, ...] = get_args(FixedReferenceMethod)
"""Methods with a fixed-reference form: a score depends on the cluster's own values only."""


@dataclass(frozen=True)
class RankingModel:
    """Everything that scores a year's clusters: rows are the year's clusters, columns the tree's indicators.

    `values` are imputed as the ranking imputes them (category median), `missing` marks the imputed cells;
    `group_of[j]` is the criterion of indicator j; `local_weights` sum to 1 within each criterion, so that the
    global weight of indicator j is `criterion_weights[group_of[j]] * local_weights[j]`. `scope` marks the rows
    the ranking ranks (its category, or all); scores are always computed on the whole field.
    """

    codes: list[str]
    categories: list[str]
    indicator_codes: list[str]
    criteria: list[str]
    values: FloatArray
    missing: BoolArray
    types: IntArray
    lower: FloatArray
    upper: FloatArray
    group_of: IntArray
    criterion_weights: FloatArray
    local_weights: FloatArray
    scope: BoolArray
    method: str
    reference: str
    normalization: str | None

    @property
    def higher_is_better(self) -> bool:
        return resolve_method(self.method).higher_is_better

    def global_weights(self, criterion_weights: FloatArray, local_weights: FloatArray | None = None) -> FloatArray:
        """Indicator weights (S x m) of S criterion weight vectors (S x C), with the model's local weights or
        S local weight vectors (S x m)."""
        local = self.local_weights if local_weights is None else local_weights
        return np.asarray(criterion_weights[..., self.group_of] * local, dtype=np.float64)

    def scaled(self, values: FloatArray | None = None) -> FloatArray:
        """Values scaled to their reference ranges after clipping, 1 = the good end (fixed reference)."""
        return scale_to_reference(self.values if values is None else values, self.types, self.lower, self.upper)[0]

    def scores(self, weights: FloatArray, *, method: str | None = None, values: FloatArray | None = None) -> FloatArray:
        """Scores (S x n) of every cluster under S indicator weight vectors (S x m), all rows of the field."""
        method = method or self.method
        if self.reference == "fixed":
            return fixed_scores(self.scaled(values), weights, method)
        prepared = prepare(
            self.values if values is None else values,
            self.global_weights(self.criterion_weights),
            self.types,
            method=method,
            normalization=self.normalization if method == self.method else None,
            criteria_names=self.indicator_codes,
        )
        return prepared.scores(weights)

    def ranks(self, scores: FloatArray, *, method: str | None = None) -> IntArray:
        """Competition ranks (S x n_scope) within the model's scope, 1 = best."""
        better = resolve_method(method or self.method).higher_is_better
        return competition_ranks(scores[..., self.scope], higher_is_better=better)

    def with_method(self, method: str) -> RankingModel:
        return replace(self, method=method, normalization=None)


def fixed_scores(scaled: FloatArray, weights: FloatArray, method: str) -> FloatArray:
    """Fixed-reference scores (S x n) for S weight vectors (S x m): TOPSIS closeness or the weighted sum.

    As `engine.reference.score_fixed_reference`: the ideal is every indicator at the good end of its range and
    the anti-ideal every one at the bad end; weights are normalised per vector.
    """
    w = np.atleast_2d(weights)
    total = w.sum(axis=1, keepdims=True)
    w = w / np.where(total > 0, total, 1.0)
    if method == "wsm":
        return np.asarray(w @ scaled.T, dtype=np.float64)
    if method != "topsis":
        raise invalid(f"method {method!r} has no fixed-reference form; use reference=relative", ["method"])
    w2 = np.square(w)
    to_ideal = np.sqrt(w2 @ np.square(1.0 - scaled).T)
    to_anti_ideal = np.sqrt(w2 @ np.square(scaled).T)
    total_distance = to_ideal + to_anti_ideal
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total_distance > 0, to_anti_ideal / total_distance, 0.5)
    return np.asarray(out, dtype=np.float64)


def fixed_scores_with_cells(
    scaled: FloatArray, weights: FloatArray, cells: Sequence[tuple[int, int]], cell_values: FloatArray
) -> FloatArray:
    """Fixed-reference TOPSIS scores (S x n) where sample s has the scaled value `cell_values[s, k]` in cell k.

    The distances of the base matrix are computed once for all samples; each replaced cell then corrects its
    row's squared distances, so S imputations cost S x (cells) operations beyond one weighted pass.
    """
    w = np.atleast_2d(weights)
    total = w.sum(axis=1, keepdims=True)
    w2 = np.square(w / np.where(total > 0, total, 1.0))
    to_ideal2 = w2 @ np.square(1.0 - scaled).T
    to_anti2 = w2 @ np.square(scaled).T
    for k, (i, j) in enumerate(cells):
        base, new = scaled[i, j], cell_values[:, k]
        to_ideal2[:, i] += w2[:, j] * (np.square(1.0 - new) - (1.0 - base) ** 2)
        to_anti2[:, i] += w2[:, j] * (np.square(new) - base**2)
    to_ideal, to_anti = np.sqrt(np.maximum(to_ideal2, 0.0)), np.sqrt(np.maximum(to_anti2, 0.0))
    total_distance = to_ideal + to_anti
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total_distance > 0, to_anti / total_distance, 0.5)
    return np.asarray(out, dtype=np.float64)


def proportional_weights(base: FloatArray, c: int, values: npt.ArrayLike) -> FloatArray:
    """Criterion weight vectors (len(values) x C) with criterion c at each value, the others rescaled in
    proportion so that each vector sums to 1 (equal shares when the others were all 0)."""
    t = np.asarray(values, dtype=np.float64)
    others = base.copy()
    others[c] = 0.0
    rest = others.sum()
    share = others / rest if rest > 0 else np.where(np.arange(base.size) == c, 0.0, 1.0 / max(base.size - 1, 1))
    out = (1.0 - t)[:, np.newaxis] * share[np.newaxis, :]
    out[:, c] = t
    return out


def dirichlet_around(base: FloatArray, concentration: float, samples: int, rng: np.random.Generator) -> FloatArray:
    """Weight vectors (samples x C) from Dirichlet(concentration * base); criteria of weight 0 stay at 0."""
    out = np.zeros((samples, base.size))
    positive = np.flatnonzero(base > 0)
    out[:, positive] = rng.dirichlet(concentration * base[positive], size=samples)
    return out


def rank_shares(ranks: IntArray) -> FloatArray:
    """`shares[i, r]`: the share of samples (rows of `ranks`) in which cluster i took rank r + 1."""
    samples, n = ranks.shape
    counts = np.bincount((ranks - 1 + np.arange(n) * n).ravel(), minlength=n * n)
    return np.asarray(counts.reshape(n, n) / samples, dtype=np.float64)
