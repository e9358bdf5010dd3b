"""The one parser and checker of pairwise comparison matrices, used by the AHP engine and by judgment writes.

A matrix is square, its judgments positive numbers (or fraction strings such as "1/3") within the scale, its
diagonal 1, `a[j][i]` the reciprocal of `a[i][j]` within RECIPROCITY_TOLERANCE, and a missing judgment null in
both places. Errors come as `{"loc": [...], "msg": ...}`, one per bad cell, located under the caller's prefix.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Loc = tuple[str | int, ...]

RECIPROCITY_TOLERANCE = 1e-3
"""Relative tolerance of `a[i][j] * a[j][i] = 1` (API.md)."""
MAX_JUDGMENT = 1e9
"""Largest judgment the engine takes (and 1 / MAX_JUDGMENT the smallest): beyond, floating point loses the pair."""
SAATY_SCALE_MAX = 9.0
"""Largest judgment on Saaty's 1–9 scale, the scale of the judgments experts store."""
CR_THRESHOLD = 0.1
"""Saaty's threshold: a consistency ratio above it asks the expert to revise the judgment."""
SAATY_RANDOM_INDEX: dict[int, float] = {
    3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
    10: 1.49, 11: 1.51, 12: 1.54, 13: 1.56, 14: 1.57, 15: 1.59,
}  # fmt: skip
"""Saaty's random index of an n x n matrix (0 for n <= 2); the engine's `saaty` table is this one."""


def to_float(value: object) -> float | None:
    """A number or a fraction string as a float (inf for an integer beyond any float); None if it is neither."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, numbers.Real):
            return float(value)
        if isinstance(value, str):
            numerator, slash, denominator = value.strip().partition("/")
            return float(numerator) / float(denominator) if slash else float(value)
    except OverflowError:
        return math.inf  # a 400-digit integer is valid JSON: it is out of range, not unreadable
    except (ValueError, ZeroDivisionError):
        return None
    return None


def judgment_problem(value: object, *, scale_max: float = MAX_JUDGMENT) -> str | None:
    """What is wrong with one judgment in words, or None when it is a positive number within the scale (or null)."""
    if value is None:
        return None
    parsed = to_float(value)
    shown = f"{value!r:.40}"
    if parsed is None:
        return f'{shown} is not a number or a fraction such as "1/3"'
    if not math.isfinite(parsed):
        return f"a judgment must be finite, got {shown}"
    if parsed <= 0:
        return f"a judgment must be positive, got {shown}"
    if not 1 / scale_max * (1 - 1e-12) <= parsed <= scale_max * (1 + 1e-12):
        return f"a judgment must lie between {_fraction(scale_max)} and {scale_max:g}, got {shown}"
    return None


def matrix_errors(
    rows: Sequence[Sequence[object]], loc: Loc = ("matrix",), *, scale_max: float = MAX_JUDGMENT
) -> tuple[FloatArray | None, list[dict[str, Any]]]:
    """The matrix as floats (NaN where missing) and every error; the array is None when the shape is wrong."""
    n = len(rows)
    if n == 0:
        return None, [error(loc, "a comparison matrix needs at least one row")]
    shape_errors = [
        error((*loc, i), f"row {i} has {len(row)} entries; a {n} x {n} matrix needs {n}")
        for i, row in enumerate(rows)
        if len(row) != n
    ]
    if shape_errors:
        return None, shape_errors
    matrix = np.full((n, n), np.nan)
    unreadable = np.zeros((n, n), dtype=bool)
    errors: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            problem = judgment_problem(value, scale_max=scale_max)
            if problem is not None:
                errors.append(error((*loc, i, j), problem))
                unreadable[i, j] = True
            elif value is not None:
                matrix[i, j] = to_float(value)
    errors.extend(structure_errors(matrix, loc, unreadable, scale_max=scale_max))
    return matrix, errors


def structure_errors(
    matrix: FloatArray, loc: Loc, unreadable: BoolArray | None = None, *, scale_max: float = MAX_JUDGMENT
) -> list[dict[str, Any]]:
    """Range, diagonal, reciprocity and missing-pair errors; cells in `unreadable` are already reported."""
    n = matrix.shape[0]
    skip = np.zeros(matrix.shape, dtype=bool) if unreadable is None else unreadable.copy()
    missing = np.isnan(matrix) & ~skip
    errors: list[dict[str, Any]] = []
    low, high = 1 / scale_max * (1 - 1e-12), scale_max * (1 + 1e-12)
    with np.errstate(invalid="ignore"):
        out_of_range = ~missing & ~skip & ~((matrix >= low) & (matrix <= high))
    for i, j in np.argwhere(out_of_range).tolist():
        msg = f"a judgment must be positive, finite and within [{_fraction(scale_max)}, {scale_max:g}]"
        errors.append(error((*loc, i, j), f"{msg}, got {matrix[i, j]}"))
    skip |= out_of_range
    diagonal = np.arange(n)
    with np.errstate(invalid="ignore"):
        off_diagonal = ~(np.abs(matrix[diagonal, diagonal] - 1) <= RECIPROCITY_TOLERANCE)
    for i in np.flatnonzero(off_diagonal & ~skip[diagonal, diagonal]).tolist():
        got = "null" if missing[i, i] else f"{matrix[i, i]:g}"
        errors.append(error((*loc, i, i), f"the diagonal must be 1, got {got}"))
    upper, lower = upper_pairs(n)
    checkable = ~(skip[upper, lower] | skip[lower, upper])
    upper_missing, lower_missing = missing[upper, lower], missing[lower, upper]
    for k in np.flatnonzero(checkable & (upper_missing != lower_missing)).tolist():
        i, j = int(upper[k]), int(lower[k])
        here, there = ((i, j), (j, i)) if upper_missing[k] else ((j, i), (i, j))
        msg = f"missing here but given at [{there[0]}][{there[1]}]; a missing judgment is null in both places"
        errors.append(error((*loc, *here), msg))
    products = matrix[upper, lower] * matrix[lower, upper]
    with np.errstate(invalid="ignore"):
        not_reciprocal = checkable & ~upper_missing & ~lower_missing & ~(np.abs(products - 1) <= RECIPROCITY_TOLERANCE)
    for k in np.flatnonzero(not_reciprocal).tolist():
        i, j = int(upper[k]), int(lower[k])
        msg = f"must be the reciprocal of [{i}][{j}] = {matrix[i, j]:g}, that is {1 / matrix[i, j]:.6g}"
        errors.append(error((*loc, j, i), f"{msg}, got {matrix[j, i]:g}"))
    return errors


def consistency_ratio(matrix: FloatArray) -> float:
    """Saaty's consistency ratio of a checked matrix (NaN where missing) from its principal eigenvalue.

    Missing pairs are filled by Harker's method, as the engine's eigenvector priorities fill them, so that a
    panel's progress and its publication agree on which judgments are inconsistent.
    """
    n = matrix.shape[0]
    if n <= 2:
        return 0.0
    if n not in SAATY_RANDOM_INDEX:
        raise ValueError(f"Saaty's random index covers n up to {max(SAATY_RANDOM_INDEX)}, not {n}")
    missing = np.isnan(matrix)
    harker = np.where(missing, 0.0, matrix)
    harker[np.diag_indices(n)] += missing.sum(axis=1)
    lambda_max = float(np.max(np.linalg.eigvals(harker).real))
    return float(max((lambda_max - n) / (n - 1), 0.0) / SAATY_RANDOM_INDEX[n])


def reciprocal_from_upper(matrix: FloatArray) -> FloatArray:
    """The lower triangle rebuilt as exact reciprocals of the upper one (within tolerance already)."""
    exact = matrix.copy()
    upper, lower = upper_pairs(matrix.shape[0])
    exact[lower, upper] = 1.0 / matrix[upper, lower]
    np.fill_diagonal(exact, 1.0)
    return exact


@lru_cache(maxsize=64)
def upper_pairs(n: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Row and column indices of the strict upper triangle; cached, as validating a panel asks for them often."""
    upper, lower = np.triu_indices(n, 1)
    upper.flags.writeable = lower.flags.writeable = False
    return upper, lower


def error(loc: Loc, msg: str) -> dict[str, Any]:
    return {"loc": list(loc), "msg": msg}


def _fraction(scale_max: float) -> str:
    return f"1/{scale_max:g}" if scale_max < 1e6 else f"{1 / scale_max:g}"
