"""Fixed-reference TOPSIS, where each indicator's reference range is its ideal and anti-ideal, and criterion scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import get_args

import numpy as np
import numpy.typing as npt

from services.scoring.engine.mcda import (
    BoolArray,
    FloatArray,
    IntArray,
    invalid,
    score,
    validate_matrix,
    validate_types,
    validate_weights,
)
from shared.schemas.vocabulary import Reference

TypesLike = Sequence[str | int] | npt.ArrayLike


@dataclass(frozen=True)
class FixedResult:
    """Fixed-reference closeness per alternative.

    `scaled` holds each value scaled to its reference range (1 = upper end for a benefit indicator, lower end
    for a cost one) after clipping; `clipped_mask` marks the values that lay outside their range.
    """

    scores: FloatArray
    clipped_mask: BoolArray
    scaled: FloatArray


@dataclass(frozen=True)
class CriterionScores:
    """Scores of every alternative (rows) on each criterion (columns, in the order of `criteria`)."""

    criteria: tuple[str, ...]
    scores: FloatArray
    warnings: tuple[str, ...]


def _bounds(lower: npt.ArrayLike, upper: npt.ArrayLike, k: int) -> tuple[FloatArray, FloatArray]:
    out = []
    for name, bound in (("lower", lower), ("upper", upper)):
        try:
            values = np.asarray(bound, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise invalid(f"{name} bounds must be numbers", ["criteria"]) from exc
        if values.shape != (k,):
            raise invalid(f"expected {k} {name} bounds, one per criterion", ["criteria"])
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise invalid(f"the {name} bound must be a finite number", ["criteria", int(bad[0]), name])
        out.append(values)
    low, high = out
    bad = np.flatnonzero(~(high > low))
    if bad.size:
        raise invalid("the upper bound must be greater than the lower bound", ["criteria", int(bad[0]), "upper"])
    return low, high


def scale_to_reference(
    matrix: FloatArray, types: IntArray, low: FloatArray, high: FloatArray
) -> tuple[FloatArray, BoolArray]:
    """Values (rows x indicators) clipped to their reference ranges and scaled so that 1 is the good end (the upper
    end of a benefit indicator, the lower of a cost one); and the mask of the values that lay outside their range.

    The one scaling of the fixed reference: the ranking, the analyses' model and the year-over-year decomposition
    all call it."""
    clipped = (matrix < low) | (matrix > high)
    scaled = (np.clip(matrix, low, high) - low) / (high - low)
    cost = types < 0
    scaled[..., cost] = 1.0 - scaled[..., cost]
    return scaled, clipped


def _closeness(scaled: FloatArray, weights: FloatArray) -> FloatArray:
    # Same weighting as classical TOPSIS (v = w * r): the ideal is w * 1 and the anti-ideal w * 0, so the
    # distances are sqrt(sum (w (1 - r))^2) and sqrt(sum (w r)^2); with weights summing to 1 both cannot be 0.
    w2 = np.square(weights)
    to_ideal = np.sqrt(np.square(1.0 - scaled) @ w2)
    to_anti_ideal = np.sqrt(np.square(scaled) @ w2)
    return np.asarray(to_anti_ideal / (to_ideal + to_anti_ideal), dtype=np.float64)


def score_fixed_reference(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: TypesLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
) -> FixedResult:
    """TOPSIS against fixed reference ranges rather than this matrix's best and worst.

    Each value is scaled against its indicator's range [lower, upper], direction-aware (benefit
    (x - lower) / (upper - lower), cost (upper - x) / (upper - lower)), values beyond the range are clipped and
    flagged; the ideal is all ones and the anti-ideal all zeros. An alternative's score therefore depends only
    on its own values and the weights, and is comparable across years and subsets. Weights are normalised.
    """
    values = validate_matrix(matrix)
    k = values.shape[1]
    w, _ = validate_weights(weights, k)
    t = validate_types(types, k)
    low, high = _bounds(lower, upper, k)
    scaled, clipped = scale_to_reference(values, t, low, high)
    return FixedResult(_closeness(scaled, w), clipped, scaled)


def criterion_scores(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: TypesLike,
    groups: Mapping[str, Sequence[int]],
    *,
    reference: Reference = "fixed",
    lower: npt.ArrayLike | None = None,
    upper: npt.ArrayLike | None = None,
    normalization: str | None = None,
    criteria_names: Sequence[str] | None = None,
) -> CriterionScores:
    """Score each criterion on its own indicators (columns `groups[criterion]`) with TOPSIS.

    Indicator weights are renormalised within each criterion (equal weights, with a warning, when they are
    all zero there). `reference="fixed"` uses the reference ranges `lower`/`upper`; `"relative"` is classical
    TOPSIS against this matrix (`normalization` as in `score`, vector by default). `criteria_names` names the
    indicators (columns) in warnings.
    """
    if reference not in get_args(Reference):
        raise invalid("reference must be 'fixed' or 'relative'", ["reference"])
    values = validate_matrix(matrix)
    m, k = values.shape
    w, _ = validate_weights(weights, k)
    t = validate_types(types, k)
    if criteria_names is not None and len(criteria_names) != k:
        raise invalid(f"expected {k} indicator names, got {len(criteria_names)}", ["criteria"])
    if not groups:
        raise invalid("at least one criterion with its indicators is needed", ["groups"])
    members: dict[str, IntArray] = {}
    for name, columns in groups.items():
        idx = np.asarray(list(columns), dtype=np.int64)
        if idx.size == 0:
            raise invalid(f"criterion {name!r} has no indicators", ["groups", name])
        bad = np.flatnonzero((idx < 0) | (idx >= k))
        if bad.size:
            raise invalid(f"indicator index must be from 0 to {k - 1}", ["groups", name, int(bad[0])])
        members[name] = idx

    warnings: list[str] = []
    scaled: FloatArray | None = None
    if reference == "fixed":
        if lower is None or upper is None:
            raise invalid("fixed-reference scores need the lower and upper reference bounds", ["reference"])
        low, high = _bounds(lower, upper, k)
        scaled, _ = scale_to_reference(values, t, low, high)

    out = np.empty((m, len(members)))
    for c, (name, idx) in enumerate(members.items()):
        within = w[idx]
        if not within.sum() > 0:
            warnings.append(f"criterion {name!r}: all its indicator weights are 0, so they count equally in it")
            within = np.ones(idx.size)
        within = within / within.sum()
        if scaled is not None:
            out[:, c] = _closeness(scaled[:, idx], within)
            continue
        names = [criteria_names[j] for j in idx] if criteria_names is not None else None
        result = score(values[:, idx], within, t[idx], normalization=normalization, criteria_names=names)
        out[:, c] = result.scores
        warnings.extend(f"criterion {name!r}: {msg}" for msg in result.warnings)
    return CriterionScores(tuple(members), out, tuple(warnings))
