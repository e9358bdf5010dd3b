"""An independent fixed-reference TOPSIS in a few lines of NumPy, to re-score plans in tests (not the service's code).

`YearData` holds a year's stored values as the indicator service returns them, imputed the documented way (the
category's median of the observed values that year, else the median of all), and scores any row of values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
# DOMAIN.md's tiers by the score's ratio to the field's mean score, best first.
TIER_BOUNDS = (("leading", 1.2), ("strong", 0.9), ("moderate", 0.5))
TIER_ORDER = ("leading", "strong", "moderate", "emerging")


@dataclass(frozen=True)
class YearData:
    codes: list[str]
    categories: list[str]
    indicators: list[str]
    raw: FloatArray
    """Stored values, NaN where missing."""
    values: FloatArray
    """Imputed."""
    lower: FloatArray
    upper: FloatArray
    cost: npt.NDArray[np.bool_]
    weights: FloatArray

    @classmethod
    def of(
        cls,
        dataset: dict[str, Any],
        clusters: list[dict[str, Any]],
        tree: list[dict[str, Any]],
        profile: dict[str, Any],
    ) -> YearData:
        """From GET /v1/datasets/{year}, /v1/clusters, /v1/indicators and /v1/weight-profiles/{id} answers."""
        leaves = [i for c in tree for i in c["children"]]
        codes_in_tree = [i["code"] for i in leaves]
        column = [dataset["indicators"].index(code) for code in codes_in_tree]
        category_of = {c["code"]: c["category"] for c in clusters}
        rows = [r for r, values in enumerate(dataset["values"]) if any(v is not None for v in values)]
        raw = np.array(
            [[np.nan if dataset["values"][r][j] is None else dataset["values"][r][j] for j in column] for r in rows]
        )
        codes = [dataset["clusters"][r] for r in rows]
        categories = [category_of[code] for code in codes]
        values = raw.copy()
        labels = np.array(categories)
        for i, j in zip(*np.nonzero(np.isnan(raw)), strict=True):
            same = raw[(labels == labels[i]) & ~np.isnan(raw[:, j]), j]
            values[i, j] = np.median(same if same.size else raw[~np.isnan(raw[:, j]), j])
        weight_of = {w["code"]: w["global_weight"] for w in profile["indicators"]}
        return cls(
            codes=codes,
            categories=categories,
            indicators=codes_in_tree,
            raw=raw,
            values=values,
            lower=np.array([i["ref_min"] for i in leaves], dtype=float),
            upper=np.array([i["ref_max"] for i in leaves], dtype=float),
            cost=np.array([i["direction"] == "cost" for i in leaves]),
            weights=np.array([weight_of[code] for code in codes_in_tree], dtype=float),
        )

    def scaled(self, rows: FloatArray) -> FloatArray:
        share = (np.clip(rows, self.lower, self.upper) - self.lower) / (self.upper - self.lower)
        return np.where(self.cost, 1.0 - share, share)

    def score(self, rows: FloatArray) -> FloatArray:
        """TOPSIS closeness on the fixed reference: ideal = each range's good end, anti-ideal = its bad end."""
        w = self.weights / self.weights.sum()
        r = self.scaled(np.atleast_2d(rows))
        to_ideal = np.sqrt(((w * (1 - r)) ** 2).sum(axis=1))
        to_anti = np.sqrt(((w * r) ** 2).sum(axis=1))
        return np.asarray(to_anti / (to_ideal + to_anti), dtype=np.float64)

    def field(self) -> FloatArray:
        return self.score(self.values)

    def row(self, code: str) -> int:
        return self.codes.index(code)

    def same_category(self, code: str) -> npt.NDArray[np.bool_]:
        return np.array(self.categories) == self.categories[self.row(code)]


def rank_of(field: FloatArray, i: int, mask: npt.NDArray[np.bool_] | None = None) -> int:
    """1 + the clusters (within `mask`) with a higher score, equal to 12 significant digits counting as equal."""
    keep = np.ones(field.size, dtype=bool) if mask is None else mask.copy()
    keep[i] = False
    return 1 + int(np.count_nonzero(field[keep] - field[i] > 1e-12 * np.abs(field).max()))


def tier_of(field: FloatArray, i: int) -> str:
    ratio = field[i] / field.mean()
    return next((name for name, bound in TIER_BOUNDS if ratio >= bound or math.isclose(ratio, bound)), "emerging")


def meets(target: str, field: FloatArray, i: int, same_category: npt.NDArray[np.bool_], goal_tier: str) -> bool:
    """Whether cluster i reaches `target` in `field` (the whole year's scores, its own replaced)."""
    if target.startswith("rank:"):
        return rank_of(field, i) <= int(target.split(":")[1])
    if target == "top_quartile":
        return rank_of(field, i, same_category) <= math.ceil(int(same_category.sum()) / 4)
    return TIER_ORDER.index(tier_of(field, i)) <= TIER_ORDER.index(goal_tier)
