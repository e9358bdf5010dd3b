"""Objective criterion weights from the data (entropy, CRITIC, standard deviation, MEREC) and their blending."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

import numpy as np
import numpy.typing as npt
from pymcdm import weights as pm_weights

from services.scoring.engine.mcda import (
    FloatArray,
    criterion_label,
    invalid,
    normalize,
    require_domain,
    validate_matrix,
    validate_types,
    validate_weights,
)
from shared.schemas.vocabulary import CombinationMethod, ObjectiveMethod

OBJECTIVE_METHODS: tuple[ObjectiveMethod, ...] = get_args(ObjectiveMethod)
COMBINATION_METHODS: tuple[CombinationMethod, ...] = get_args(CombinationMethod)


@dataclass(frozen=True)
class ObjectiveWeights:
    """Weights derived from the spread of the data; criteria that do not vary get 0 (named in `warnings`)."""

    method: str
    weights: FloatArray
    warnings: tuple[str, ...]


def _entropy(x: FloatArray) -> FloatArray:
    # pymcdm's entropy_weights rejects any zero (through sum normalisation), yet counts of 0 are common in
    # indicator data; with the usual convention 0 * ln 0 = 0 the result is the same wherever pymcdm's is defined.
    p = x / x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_log_p = np.where(p > 0, p * np.log(p), 0.0)
    divergence = 1.0 + p_log_p.sum(axis=0) / np.log(x.shape[0])
    return np.asarray(divergence, dtype=np.float64)


def objective_weights(
    matrix: npt.ArrayLike,
    types: Sequence[str | int] | npt.ArrayLike,
    *,
    method: str = "entropy",
    criteria_names: Sequence[str] | None = None,
) -> ObjectiveWeights:
    """Objective weights of the criteria (columns) of a decision matrix, summing to 1.

    - `entropy`: Shannon entropy of each column's shares of its sum (values >= 0; direction plays no part).
    - `critic`: Diakoulaki's CRITIC (pymcdm) on direction-aware min-max normalised values, so that a cost
      criterion's correlations carry the right sign.
    - `standard_deviation`: pymcdm's, on min-max normalised values, since on raw values it would weigh a
      criterion by its unit.
    - `merec`: pymcdm's MEREC (values > 0).

    Columns that do not vary carry no information: they get weight 0 and are left out of the computation.
    """
    if method not in OBJECTIVE_METHODS:
        raise invalid(f"unknown method {method!r}; choose one of {', '.join(OBJECTIVE_METHODS)}", ["method"])
    values = validate_matrix(matrix)
    m, k = values.shape
    t = validate_types(types, k)
    if criteria_names is not None and len(criteria_names) != k:
        raise invalid(f"expected {k} criterion names, got {len(criteria_names)}", ["criteria"])
    if m < 2:
        raise invalid("objective weights need at least two alternatives", ["matrix"])
    varies = values.max(axis=0) > values.min(axis=0)
    warnings = tuple(
        f"{criterion_label(int(j), criteria_names)} does not vary across the alternatives and gets weight 0"
        for j in np.flatnonzero(~varies)
    )
    if not varies.any():
        raise invalid("no criterion varies across the alternatives, so objective weights are undefined", ["matrix"])
    columns = np.flatnonzero(varies)
    x, tx = values[:, columns], t[columns]
    if columns.size == 1:
        raw = np.ones(1)
    elif method == "entropy":
        require_domain(x, columns, "nonnegative", "entropy weighting")
        raw = _entropy(x)
    elif method == "critic":
        raw = np.asarray(pm_weights.critic_weights(normalize(x, tx, "minmax")), dtype=np.float64)
    elif method == "standard_deviation":
        raw = np.asarray(pm_weights.standard_deviation_weights(normalize(x, tx, "minmax")), dtype=np.float64)
    else:
        require_domain(x, columns, "positive", "MEREC weighting")
        raw = np.asarray(pm_weights.merec_weights(x, tx), dtype=np.float64)
    if not (np.isfinite(raw).all() and raw.sum() > 0):
        raise invalid(f"{method} weights are undefined for this matrix", ["matrix"])
    out = np.zeros(k)
    out[columns] = raw / raw.sum()
    return ObjectiveWeights(method, out, warnings)


def combined_weights(
    subjective: npt.ArrayLike,
    objective: npt.ArrayLike,
    *,
    method: str = "linear",
    alpha: float = 0.5,
) -> FloatArray:
    """Blend subjective (for example AHP) and objective weights; both are normalised first.

    `linear`: alpha * s + (1 - alpha) * o. `multiplicative`: s * o / sum(s * o), which needs at least one
    criterion with a positive weight in both (alpha is not used).
    """
    if method not in COMBINATION_METHODS:
        raise invalid(f"unknown method {method!r}; choose one of {', '.join(COMBINATION_METHODS)}", ["method"])
    if not (np.isfinite(alpha) and 0.0 <= alpha <= 1.0):
        raise invalid("alpha must be a number from 0 to 1", ["alpha"])
    k = np.asarray(subjective, dtype=object).size
    s, _ = validate_weights(subjective, k, loc=["subjective"])
    o, _ = validate_weights(objective, k, loc=["objective"])
    if method == "linear":
        return np.asarray(alpha * s + (1.0 - alpha) * o, dtype=np.float64)
    product = s * o
    total = product.sum()
    if not total > 0:
        raise invalid("no criterion has a positive weight in both the subjective and objective sets", ["objective"])
    return np.asarray(product / total, dtype=np.float64)
