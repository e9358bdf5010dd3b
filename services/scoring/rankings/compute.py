"""Ranking a year's stored data: imputation, fixed- or relative-reference scores, criterion scores, rank change.

Plain functions on the schemas the indicator service returns; no HTTP here, so it can be tested on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from services.scoring.engine.audit import winsorize as winsorize_outliers
from services.scoring.engine.mcda import BoolArray, FloatArray, competition_ranks, score
from services.scoring.engine.ranking_model import FIXED_REFERENCE_METHODS
from services.scoring.engine.reference import criterion_scores, score_fixed_reference
from services.scoring.rankings.tiers import tier_of
from shared.decision_matrix import YearMatrix, year_matrix
from shared.errors import InvalidInput
from shared.schemas.indicators import ClusterRead, CriterionNode, DatasetRead
from shared.schemas.rankings import RankingResult, Reference, Tier


@dataclass(frozen=True)
class Scored:
    """One year's scores of the ranked clusters, in the dataset's cluster order.

    Scores, overall ranks and tiers are those of the whole field of the year; a category filter only chooses
    the rows (and `ranks` ranks them among themselves), it never changes a score or a tier.
    """

    codes: list[str]
    scores: FloatArray
    ranks: np.ndarray
    overall_ranks: np.ndarray
    field_tiers: list[Tier]
    criteria: list[str]
    criteria_scores: FloatArray
    imputed: list[list[str]]
    clipped: list[list[str]]
    coverage_below: list[list[str]]
    normalization: str | None
    higher_is_better: bool
    warnings: list[str]
    matrix: YearMatrix
    """The whole field's matrix the scores come from (imputed), for what is computed on the same values."""


def fixed_scores(matrix: YearMatrix, rows: FloatArray, method: str) -> tuple[FloatArray, BoolArray]:
    """Fixed-reference scores of any rows on `matrix`'s indicators (topsis closeness or wsm), and the clipped cells.

    A row's score depends only on its own values, so rows of other clusters or hypothetical rows may be stacked
    and scored in one call.
    """
    fixed = score_fixed_reference(rows, matrix.weights, matrix.types, matrix.lower, matrix.upper)
    scores = fixed.scores if method == "topsis" else fixed.scaled @ (matrix.weights / matrix.weights.sum())
    return np.asarray(scores, dtype=np.float64), fixed.clipped_mask


def score_year(
    dataset: DatasetRead,
    clusters: Mapping[str, ClusterRead],
    tree: Sequence[CriterionNode],
    weights: Mapping[str, float],
    *,
    method: str,
    reference: Reference,
    category: str | None,
    coverage_threshold: float,
    winsorize: bool = False,
) -> Scored:
    """Scores, ranks and criterion scores of the year's clusters (only `category`'s when given); per cluster the
    criteria with fewer than `coverage_threshold` of their values present. `winsorize` (relative reference only)
    treats the outliers of each flagged indicator first (`treated_matrix`)."""
    if reference == "fixed" and method not in FIXED_REFERENCE_METHODS:
        raise InvalidInput(
            f"method {method!r} compares clusters with each other; use reference=relative with it "
            f"(reference=fixed supports {', '.join(FIXED_REFERENCE_METHODS)})",
            errors=[{"loc": ["query", "method"], "msg": "needs reference=relative"}],
        )
    matrix = year_matrix(dataset, clusters, tree, weights)
    if winsorize:
        matrix = treated_matrix(matrix, reference=reference)
    codes_in_tree = matrix.indicator_codes
    keep = np.array([category is None or c == category for c in matrix.categories], dtype=bool)
    if not keep.any():
        raise InvalidInput(f"no clusters of category {category!r} have data in {dataset.year}")
    values, missing = matrix.values, matrix.missing

    warnings = list(matrix.warnings)
    normalization: str | None = None
    higher_is_better = True
    if reference == "fixed":
        scores, clipped = fixed_scores(matrix, values, method)
        clipped_mask = clipped & ~missing
    else:
        result = score(values, matrix.weights, matrix.types, method=method, criteria_names=codes_in_tree)
        scores, normalization, higher_is_better = result.scores, result.normalization, result.higher_is_better
        warnings.extend(result.warnings)
        clipped_mask = np.zeros_like(missing)
    by_criterion = criterion_scores(
        values,
        matrix.weights,
        matrix.types,
        matrix.groups,
        reference=reference,
        lower=matrix.lower,
        upper=matrix.upper,
        criteria_names=codes_in_tree,
    )
    warnings.extend(by_criterion.warnings)
    field = np.asarray(scores, dtype=np.float64)
    field_tiers = field_tiers_of(field, higher_is_better=higher_is_better)
    rows = np.flatnonzero(keep)
    below = coverage_below(matrix, coverage_threshold)
    return Scored(
        codes=[matrix.codes[i] for i in rows],
        scores=field[keep],
        ranks=competition_ranks(field[keep], higher_is_better=higher_is_better),
        overall_ranks=competition_ranks(field, higher_is_better=higher_is_better)[keep],
        field_tiers=[field_tiers[i] for i in rows],
        criteria=list(by_criterion.criteria),
        criteria_scores=by_criterion.scores[keep],
        imputed=[[codes_in_tree[j] for j in np.flatnonzero(row)] for row in missing[keep]],
        clipped=[[codes_in_tree[j] for j in np.flatnonzero(row)] for row in clipped_mask[keep]],
        coverage_below=[below[i] for i in rows],
        normalization=normalization,
        higher_is_better=higher_is_better,
        warnings=warnings,
        matrix=matrix,
    )


WINSORIZE_ON_FIXED = (
    "winsorize applies to the relative reference: on the fixed reference every value is clipped to its indicator's "
    "reference range, which already bounds outliers"
)


def treated_matrix(matrix: YearMatrix, *, reference: Reference, where: str = "query") -> YearMatrix:
    """The matrix with each flagged indicator's stored values winsorised (up to 5, JRC practice), a warning naming
    every treated value; imputed cells keep the category medians of the stored values. The ranking and every
    analysis of its model call this one function, so both score the same values."""
    if reference == "fixed":
        raise InvalidInput(WINSORIZE_ON_FIXED, errors=[{"loc": [where, "winsorize"], "msg": WINSORIZE_ON_FIXED}])
    raw, cells = winsorize_outliers(matrix.raw)
    if not cells:
        return replace(matrix, warnings=[*matrix.warnings, "winsorize: no indicator is flagged as outlying"])
    codes = matrix.indicator_codes
    notes = [f"winsorised {codes[c.indicator]} of {matrix.codes[c.row]}: {c.value:g} -> {c.treated:g}" for c in cells]
    values = np.where(matrix.missing, matrix.values, raw)
    return replace(matrix, raw=raw, values=values, warnings=[*matrix.warnings, *notes])


def coverage_below(matrix: YearMatrix, threshold: float) -> list[list[str]]:
    """Per cluster of `matrix`, the criteria (tree order) with a share of their values present below `threshold`."""
    present = ~matrix.missing
    return [
        [criterion for criterion, columns in matrix.groups.items() if columns and row[columns].mean() < threshold]
        for row in present
    ]


def field_tiers_of(values: FloatArray, *, higher_is_better: bool) -> list[Tier]:
    """Tiers by score relative to the mean of the whole field; scores that can be negative or where lower is
    better are first put on a 0–1 scale oriented so that 1 is best."""
    if not higher_is_better or (values < 0).any():
        span = float(values.max() - values.min())
        values = (values - values.min()) / span if span > 0 else np.ones_like(values)
        if not higher_is_better:
            values = 1.0 - values
    return list(tier_of([float(v) for v in values]))


def tiers(scored: Scored) -> list[Tier]:
    """The tiers of the scored rows, computed on the whole field of the year."""
    return list(scored.field_tiers)


def results(current: Scored, previous: Scored | None, clusters: Mapping[str, ClusterRead]) -> list[RankingResult]:
    """The ranking rows, best first, with the rank change against the previous year where there is one."""
    before: dict[str, tuple[int, float]] = {}
    if previous is not None:
        before = {
            c: (int(r), float(s)) for c, r, s in zip(previous.codes, previous.ranks, previous.scores, strict=True)
        }
    tier_list = tiers(current)
    rows: list[RankingResult] = []
    for i, code in enumerate(current.codes):
        cluster = clusters[code]
        rank = int(current.ranks[i])
        prior = before.get(code)
        rows.append(
            RankingResult(
                cluster_code=code,
                name=cluster.name,
                name_zh=cluster.name_zh,
                category=cluster.category,
                province=cluster.province,
                industry=cluster.industry,
                score=float(current.scores[i]),
                rank=rank,
                overall_rank=int(current.overall_ranks[i]),
                rank_change=None if prior is None else prior[0] - rank,
                previous_rank=None if prior is None else prior[0],
                previous_score=None if prior is None else prior[1],
                tier=tier_list[i],
                criteria_scores={c: float(current.criteria_scores[i, k]) for k, c in enumerate(current.criteria)},
                imputed=current.imputed[i],
                clipped=current.clipped[i],
                coverage_flag=bool(current.coverage_below[i]),
                coverage_below=current.coverage_below[i],
            )
        )
    rows.sort(key=lambda r: (r.rank, r.cluster_code))
    return rows
