"""The statistical audit of a composite ranking (JRC/OECD practice, DOMAIN.md): coverage, outliers, coherence.

Plain functions on the year's raw matrix (NaN where missing); pandas computes the bias-corrected skewness and
excess kurtosis, NumPy the correlations and eigenvalues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from services.scoring.engine.mcda import BoolArray, FloatArray, IntArray

SKEWNESS_LIMIT = 2.0
KURTOSIS_LIMIT = 3.5
NEGATIVE_R = -0.3
COLLINEAR_R = 0.92
MIN_CLUSTERS = 4
MAX_WINSORIZED = 5
"""The JRC's usual treatment: winsorise up to this many values of a flagged indicator (then it takes logs)."""


@dataclass(frozen=True)
class Coverage:
    indicator_share: FloatArray  # m
    cluster_share: FloatArray  # n
    criteria_below: list[list[int]]  # per cluster, the criteria whose share is below the threshold


@dataclass(frozen=True)
class Outlier:
    indicator: int
    skewness: float | None
    kurtosis: float | None
    flagged: bool
    values: list[tuple[int, float]]  # (cluster row, value) beyond Tukey's fences, for a flagged indicator
    note: str | None


@dataclass(frozen=True)
class WinsorizedCell:
    row: int
    indicator: int
    value: float
    treated: float


@dataclass(frozen=True)
class CriterionCoherence:
    criterion: int
    clusters: int
    alpha: float | None
    first_component_share: float | None
    components_over_1: int | None
    r_criterion: list[float | None]
    r_index: list[float | None]
    correlations: FloatArray | None
    note: str | None


def coverage(raw: FloatArray, group_of: IntArray, criteria: int, threshold: float) -> Coverage:
    """Share of values present per indicator and per cluster; per cluster the criteria below `threshold`."""
    present = ~np.isnan(raw)
    by_criterion = np.stack([present[:, group_of == c].mean(axis=1) for c in range(criteria)], axis=1)
    below = [[int(c) for c in np.flatnonzero(row < threshold)] for row in by_criterion]
    return Coverage(present.mean(axis=0), present.mean(axis=1), below)


def is_outlying(column: pd.Series) -> bool:
    """The audit's rule on the values present: |skewness| > 2 and excess kurtosis > 3.5 (pandas' estimators)."""
    if len(column) < MIN_CLUSTERS or column.nunique() == 1:
        return False
    return bool(abs(column.skew()) > SKEWNESS_LIMIT and column.kurt() > KURTOSIS_LIMIT)


def winsorize(raw: FloatArray, *, max_values: int = MAX_WINSORIZED) -> tuple[FloatArray, list[WinsorizedCell]]:
    """Each flagged indicator winsorised on the side of its skew: its k most extreme values set to the next one,
    k = 1, 2, ... until the rule no longer flags it or `max_values` values are treated (then it stays as far as it
    got; the JRC would take logs next). NaN (missing) stays NaN; the treated cells are listed."""
    out = raw.copy()
    treated: list[WinsorizedCell] = []
    for j in range(raw.shape[1]):
        present = np.flatnonzero(~np.isnan(raw[:, j]))
        column = raw[present, j]
        if not is_outlying(pd.Series(column)):
            continue
        upper_tail = pd.Series(column).skew() > 0
        order = np.argsort(-column if upper_tail else column, kind="stable")  # most extreme first
        current = column
        for k in range(1, min(max_values, len(column) - 1) + 1):
            bound = column[order[k]]
            current = np.minimum(column, bound) if upper_tail else np.maximum(column, bound)
            if not is_outlying(pd.Series(current)):
                break
        out[present, j] = current
        treated += [
            WinsorizedCell(int(present[i]), j, float(column[i]), float(current[i]))
            for i in np.flatnonzero(current != column)
        ]
    return out, treated


def outliers(raw: FloatArray) -> list[Outlier]:
    """Per indicator, skewness and kurtosis of the values present, flagged when |skew| > 2 and kurtosis > 3.5."""
    out = []
    for j in range(raw.shape[1]):
        column = pd.Series(raw[:, j]).dropna()
        if len(column) < MIN_CLUSTERS:
            out.append(Outlier(j, None, None, False, [], f"{len(column)} values: too few for skewness and kurtosis"))
            continue
        if column.nunique() == 1:
            out.append(Outlier(j, None, None, False, [], "every value is equal"))
            continue
        skewness, kurtosis = float(column.skew()), float(column.kurt())
        flagged = abs(skewness) > SKEWNESS_LIMIT and kurtosis > KURTOSIS_LIMIT
        values: list[tuple[int, float]] = []
        if flagged:
            q1, q3 = np.percentile(column, [25, 75])
            fence = 1.5 * (q3 - q1)
            beyond = column[(column < q1 - fence) | (column > q3 + fence)]
            values = [(int(i), float(v)) for i, v in beyond.items()]
        out.append(Outlier(j, skewness, kurtosis, flagged, values, None))
    return out


def coherence(
    raw: FloatArray,
    types: IntArray,
    group_of: IntArray,
    criteria: int,
    criterion_scores: FloatArray,
    index_scores: FloatArray,
) -> list[CriterionCoherence]:
    """Per criterion, on the clusters with all its values present and cost indicators sign-flipped: Pearson
    correlations among its indicators and with the criterion and overall scores, standardised Cronbach's alpha,
    the first principal component's share of variance and the number of eigenvalues above 1."""
    signed = raw * types  # a cost indicator counts negatively, so "good" points the same way everywhere
    out = []
    for c in range(criteria):
        columns = np.flatnonzero(group_of == c)
        complete = ~np.isnan(raw[:, columns]).any(axis=1)
        x = signed[np.ix_(complete, columns)]
        k, n = len(columns), int(complete.sum())
        if n < MIN_CLUSTERS:
            note = f"{n} clusters have all of this criterion's values: too few for correlations"
            out.append(CriterionCoherence(c, n, None, None, None, [None] * k, [None] * k, None, note))
            continue
        r_criterion = [_pearson(x[:, i], criterion_scores[complete, c]) for i in range(k)]
        r_index = [_pearson(x[:, i], index_scores[complete]) for i in range(k)]
        if k == 1:
            note = "a criterion with one indicator has no internal coherence to measure"
            out.append(CriterionCoherence(c, n, None, None, None, r_criterion, r_index, None, note))
            continue
        varies = x.std(axis=0) > 0
        if not varies.all():
            note = "an indicator does not vary on these clusters, so correlations are undefined"
            out.append(CriterionCoherence(c, n, None, None, None, r_criterion, r_index, None, note))
            continue
        r = np.atleast_2d(np.asarray(np.corrcoef(x, rowvar=False), dtype=np.float64))
        mean_r = float(r[np.triu_indices(k, 1)].mean())
        alpha = k * mean_r / (1 + (k - 1) * mean_r)
        eigenvalues = np.linalg.eigvalsh(r)
        out.append(
            CriterionCoherence(
                c,
                n,
                float(alpha),
                float(eigenvalues[-1] / k),
                int((eigenvalues > 1).sum()),
                r_criterion,
                r_index,
                r,
                None,
            )
        )
    return out


def flagged_pairs(
    correlations: FloatArray, columns: Sequence[int]
) -> list[tuple[int, int, float, Literal["negative", "collinear"]]]:
    """Pairs of one criterion's indicators that pull against each other or count twice."""
    pairs: list[tuple[int, int, float, Literal["negative", "collinear"]]] = []
    for a in range(len(columns)):
        for b in range(a + 1, len(columns)):
            r = float(correlations[a, b])
            if r < NEGATIVE_R:
                pairs.append((columns[a], columns[b], r, "negative"))
            elif r > COLLINEAR_R:
                pairs.append((columns[a], columns[b], r, "collinear"))
    return pairs


def clipped_cells(raw: FloatArray, lower: FloatArray, upper: FloatArray) -> BoolArray:
    """Values outside their indicator's reference range (the fixed reference clips them to it)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(~np.isnan(raw) & ((raw < lower) | (raw > upper)), dtype=bool)


def _pearson(x: FloatArray, y: FloatArray) -> float | None:
    if x.std() == 0 or y.std() == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])
