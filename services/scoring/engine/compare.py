"""Run several MCDA methods on one problem and measure how far their rankings agree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pymcdm import correlations

from services.scoring.engine.mcda import FloatArray, IntArray, invalid, resolve_method, score


@dataclass(frozen=True)
class MethodComparison:
    """Rankings of one problem by several methods (rows in the order of `methods`) and their agreement.

    `spearman[a, b]` is Spearman's rank correlation rs of the two rankings and `ws[a, b]` the WS rank
    similarity coefficient (Sałabun and Urbaniak 2020); both matrices are symmetric with 1 on the diagonal.
    """

    methods: tuple[str, ...]
    normalizations: tuple[str | None, ...]
    scores: FloatArray
    ranks: IntArray
    spearman: FloatArray
    ws: FloatArray
    warnings: tuple[str, ...]


def rank_correlation(x: FloatArray, y: FloatArray) -> float:
    # rs is undefined when a ranking is all ties (zero variance); identical rankings still agree fully.
    if np.array_equal(x, y):
        return 1.0
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    return float(correlations.spearman(x, y))


def rank_similarity(x: FloatArray, y: FloatArray) -> float:
    # WS weighs each position by the reference ranking, so ws(x, y) != ws(y, x); the mean of the two makes
    # the matrix symmetric. With one alternative its denominator is 0, but the rankings trivially agree.
    if x.size == 1 or np.array_equal(x, y):
        return 1.0
    return 0.5 * float(correlations.rank_similarity_coef(x, y) + correlations.rank_similarity_coef(y, x))


def compare_methods(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: Sequence[str | int] | npt.ArrayLike,
    *,
    methods: Sequence[str],
    normalization: str | None = None,
    criteria_names: Sequence[str] | None = None,
) -> MethodComparison:
    """Score one problem with each of `methods` and compare the rankings pairwise.

    `normalization` applies to every method that uses one (None: each method's default). An input a method
    cannot take (for example zeros under sum normalisation) raises InvalidInput as `score` does.
    """
    if not methods:
        raise invalid("name at least one method", ["methods"])
    for i, name in enumerate(methods):
        resolve_method(name)
        if name in methods[:i]:
            raise invalid(f"method {name!r} is listed twice", ["methods", i])
    results = []
    for name in methods:
        use = normalization if resolve_method(name).default_normalization is not None else None
        results.append(score(matrix, weights, types, method=name, normalization=use, criteria_names=criteria_names))
    ranks = np.stack([r.ranks for r in results]).astype(np.float64)
    n = len(results)
    spearman, ws = np.eye(n), np.eye(n)
    for a in range(n):
        for b in range(a + 1, n):
            spearman[a, b] = spearman[b, a] = rank_correlation(ranks[a], ranks[b])
            ws[a, b] = ws[b, a] = rank_similarity(ranks[a], ranks[b])
    warnings = list(dict.fromkeys(w for r in results for w in r.warnings))
    return MethodComparison(
        methods=tuple(methods),
        normalizations=tuple(r.normalization for r in results),
        scores=np.stack([r.scores for r in results]),
        ranks=ranks.astype(np.int64),
        spearman=spearman,
        ws=ws,
        warnings=tuple(warnings),
    )
