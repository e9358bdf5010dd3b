"""A year's decision matrix from the indicator service's answers: tree order, cluster rows, imputation.

Shared by the scoring service (rankings, what-if) and the recommendation service (gaps), so both see the very same
numbers; plain NumPy, no HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shared.errors import InvalidInput
from shared.schemas.indicators import ClusterRead, CriterionNode, DatasetRead, IndicatorRead
from shared.schemas.vocabulary import Category

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _indicators(tree: Sequence[CriterionNode]) -> list[IndicatorRead]:
    return [indicator for criterion in tree for indicator in criterion.children]


def impute(
    values: FloatArray, categories: Sequence[str], indicators: Sequence[IndicatorRead]
) -> tuple[FloatArray, np.ndarray, list[str]]:
    """Missing cells take the median of the same category's clusters that year (else of all clusters)."""
    filled = values.copy()
    missing = np.isnan(values)
    warnings: list[str] = []
    category_array = np.asarray(categories)
    for j in np.flatnonzero(missing.any(axis=0)):
        column = values[:, j]
        for i in np.flatnonzero(missing[:, j]):
            peers = column[(category_array == category_array[i]) & ~np.isnan(column)]
            if peers.size == 0:
                peers = column[~np.isnan(column)]
            if peers.size == 0:
                indicator = indicators[int(j)]
                filled[i, j] = (indicator.ref_min + indicator.ref_max) / 2
                warnings.append(f"{indicator.code} has no value at all this year; the middle of its range was used")
            else:
                filled[i, j] = float(np.median(peers))
    return filled, missing, warnings


@dataclass(frozen=True)
class YearMatrix:
    """A year's decision matrix: the catalogue's clusters with data (dataset order) × the tree's indicators.

    `values` are imputed, `raw` are not (NaN where missing); weights, directions (`types`, 1 benefit, −1 cost),
    reference ranges and criterion groups (criterion → columns) are what scores the matrix.
    """

    codes: list[str]
    categories: list[Category]
    indicators: list[IndicatorRead]
    raw: FloatArray
    values: FloatArray
    missing: BoolArray
    weights: FloatArray
    types: list[int]
    lower: FloatArray
    upper: FloatArray
    groups: dict[str, list[int]]
    warnings: list[str]

    @property
    def indicator_codes(self) -> list[str]:
        return [i.code for i in self.indicators]


def year_matrix(
    dataset: DatasetRead,
    clusters: Mapping[str, ClusterRead],
    tree: Sequence[CriterionNode],
    weights: Mapping[str, float],
) -> YearMatrix:
    """The year's imputed matrix in tree order with global `weights` by indicator code; 422 when they disagree."""
    indicators = _indicators(tree)
    codes_in_tree = [i.code for i in indicators]
    column_of = {code: j for j, code in enumerate(dataset.indicators)}
    absent = [code for code in codes_in_tree if code not in column_of]
    if absent:
        raise InvalidInput(f"the {dataset.year} dataset has no column for {', '.join(absent)}")
    unweighted = [code for code in codes_in_tree if code not in weights]
    if unweighted:
        raise InvalidInput(
            f"no weight for {', '.join(unweighted)}",
            errors=[{"loc": ["weights", code], "msg": "missing weight"} for code in unweighted],
        )

    # A cluster without a single value that year is not part of it (the dataset lists every cluster of the catalogue).
    rows = [
        r
        for r, code in enumerate(dataset.clusters)
        if code in clusters and any(v is not None for v in dataset.values[r])
    ]
    codes = [dataset.clusters[r] for r in rows]
    raw = np.array([[np.nan if v is None else v for v in dataset.values[r]] for r in rows], dtype=np.float64).reshape(
        len(rows), len(dataset.indicators)
    )
    raw = raw[:, [column_of[code] for code in codes_in_tree]]
    categories = [clusters[code].category for code in codes]
    # Imputation looks at the whole year (the category's median), whatever subset is ranked afterwards.
    values, missing, warnings = impute(raw, categories, indicators)
    return YearMatrix(
        codes=codes,
        categories=categories,
        indicators=indicators,
        raw=raw,
        values=values,
        missing=missing,
        weights=np.array([weights[code] for code in codes_in_tree], dtype=np.float64),
        types=[1 if i.direction == "benefit" else -1 for i in indicators],
        lower=np.array([i.ref_min for i in indicators]),
        upper=np.array([i.ref_max for i in indicators]),
        groups={c.code: [codes_in_tree.index(i.code) for i in c.children] for c in tree},
        warnings=warnings,
    )
