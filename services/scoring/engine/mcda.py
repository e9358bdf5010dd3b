"""Multi-criteria scoring of a decision matrix: input validation, normalisations, TOPSIS and pymcdm methods."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pymcdm import methods as pm_methods
from pymcdm import normalizations as pm_norm

from shared.errors import InvalidInput
from shared.schemas import vocabulary

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Loc = list[str | int]
Domain = Literal["any", "nonnegative", "positive"]
ColumnTransform = Callable[[FloatArray], FloatArray]
ColumnScale = Callable[[FloatArray, FloatArray, FloatArray], FloatArray]

# An error list naming every bad cell of a 10,000-row matrix would be unreadable; the first ones are enough.
MAX_REPORTED_ERRORS = 20
SIGNIFICANT_DIGITS = 12
WEIGHT_SUM_TOLERANCE = 1e-9


def invalid(msg: str, loc: Loc) -> InvalidInput:
    """An InvalidInput carrying one error at `loc`."""
    return InvalidInput(msg, errors=[{"loc": loc, "msg": msg}])


def power_of_two_scale(magnitude: npt.ArrayLike) -> FloatArray:
    """The largest power of two not above each magnitude, so that magnitude / scale lies in [1, 2) (1/2 for 0).

    Dividing by it is exact, so it changes no digit of a result that does not overflow or underflow, while it
    brings values near 1e300 or 1e-300 to where their squares and sums are representable.
    """
    _, exponent = np.frexp(np.abs(np.asarray(magnitude, dtype=np.float64)))
    return np.asarray(np.ldexp(1.0, exponent - 1), dtype=np.float64)


# --- normalisations -------------------------------------------------------------------------------------


def _vector(x: FloatArray) -> FloatArray:
    return np.asarray(x / np.sqrt(np.einsum("ij,ij->j", x, x)), dtype=np.float64)


def _max(x: FloatArray) -> FloatArray:
    return np.asarray(x / x.max(axis=0), dtype=np.float64)


def _minmax(x: FloatArray) -> FloatArray:
    low = x.min(axis=0)
    return np.asarray((x - low) / (x.max(axis=0) - low), dtype=np.float64)


def _sum(x: FloatArray) -> FloatArray:
    return np.asarray(x / x.sum(axis=0), dtype=np.float64)


def _sum_cost(x: FloatArray) -> FloatArray:
    return _sum(1.0 / x)


def _linear_cost(x: FloatArray) -> FloatArray:
    return np.asarray(x.min(axis=0) / x, dtype=np.float64)


def _nonlinear(x: FloatArray) -> FloatArray:
    return np.square(_max(x))


def _nonlinear_cost(x: FloatArray) -> FloatArray:
    return np.asarray(_linear_cost(x) ** 3, dtype=np.float64)


def _enhanced_accuracy(x: FloatArray) -> FloatArray:
    gap = x.max(axis=0) - x
    return np.asarray(1.0 - gap / gap.sum(axis=0), dtype=np.float64)


def _enhanced_accuracy_cost(x: FloatArray) -> FloatArray:
    gap = x - x.min(axis=0)
    return np.asarray(1.0 - gap / gap.sum(axis=0), dtype=np.float64)


def _zavadskas_turskis(x: FloatArray) -> FloatArray:
    best = x.max(axis=0)
    return np.asarray(1.0 - np.abs((best - x) / best), dtype=np.float64)


def _zavadskas_turskis_cost(x: FloatArray) -> FloatArray:
    best = x.min(axis=0)
    return np.asarray(1.0 - np.abs((best - x) / best), dtype=np.float64)


@dataclass(frozen=True)
class Normalization:
    """A column normalisation: pymcdm's per-column function plus an equal vectorised form over many columns.

    `cost` is None when a cost column is `1 - benefit(column)`, which lets the vectorised form flip in place.
    `column_scale(x, low, high)` is given for the affine ones (r = a*x + b, flipped for cost): it returns |a|
    per column. Columns must vary (constant columns are dropped before normalising).
    """

    name: vocabulary.Normalization
    pymcdm_function: Callable[..., Any]
    domain: Domain
    benefit: ColumnTransform
    cost: ColumnTransform | None
    formula: str
    column_scale: ColumnScale | None = None


NORMALIZATIONS: dict[str, Normalization] = {
    n.name: n
    for n in (
        Normalization(
            "vector", pm_norm.vector_normalization, "any", _vector, None, "x/||x||; cost 1 - x/||x||",
            lambda x, _low, _high: 1.0 / np.sqrt(np.einsum("ij,ij->j", x, x)),
        ),
        Normalization(
            "minmax", pm_norm.minmax_normalization, "any", _minmax, None, "(x-min)/(max-min); cost (max-x)/(max-min)",
            lambda _x, low, high: 1.0 / (high - low),
        ),
        Normalization(
            "max", pm_norm.max_normalization, "nonnegative", _max, None, "x/max; cost 1 - x/max",
            lambda _x, _low, high: 1.0 / high,
        ),
        Normalization("sum", pm_norm.sum_normalization, "positive", _sum, _sum_cost, "x/sum; cost (1/x)/sum(1/x)"),
        Normalization("linear", pm_norm.linear_normalization, "positive", _max, _linear_cost, "x/max; cost min/x"),
        Normalization(
            "nonlinear", pm_norm.nonlinear_normalization, "positive", _nonlinear, _nonlinear_cost,
            "(x/max)^2; cost (min/x)^3",
        ),
        Normalization(
            "enhanced_accuracy", pm_norm.enhanced_accuracy_normalization, "any", _enhanced_accuracy,
            _enhanced_accuracy_cost, "1 - (max-x)/sum(max-x); cost 1 - (x-min)/sum(x-min)",
        ),
        Normalization(
            "zavadskas_turskis", pm_norm.zavadskas_turskis_normalization, "positive", _zavadskas_turskis,
            _zavadskas_turskis_cost, "1 - |(max-x)/max|; cost 1 - |(min-x)/min|",
        ),
    )
}  # fmt: skip


def normalize(matrix: FloatArray, types: IntArray, name: str) -> FloatArray:
    """Normalise every column of `matrix` (columns must vary), equal to pymcdm's `normalize_matrix`."""
    spec = NORMALIZATIONS[name]
    cost = types < 0
    if spec.cost is None:
        out = spec.benefit(matrix)
        if cost.any():
            out[:, cost] = 1.0 - out[:, cost]
        return out
    out = np.empty_like(matrix)
    if not cost.all():
        out[:, ~cost] = spec.benefit(matrix[:, ~cost])
    if cost.any():
        out[:, cost] = spec.cost(matrix[:, cost])
    return out


# --- methods --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Method:
    """How the engine runs one MCDA method.

    `build` makes the pymcdm object from a pymcdm normalisation function (None for TOPSIS, which runs on the
    engine's own vectorised code). `neutral_score` is what every alternative gets when no criterion with a
    positive weight tells the alternatives apart. `data_domain` is a requirement of the method itself on the
    raw values; `nonnegative_normalized` marks methods that take powers or products of normalised values.
    """

    name: vocabulary.ScoreMethod
    higher_is_better: bool
    default_normalization: vocabulary.Normalization | None
    neutral_score: float
    build: Callable[[Callable[..., Any] | None], Any] | None
    data_domain: Domain = "any"
    nonnegative_normalized: bool = False
    description: str = ""


# VIKOR defaults to min-max normalisation, which gives classical VIKOR (Opricovic and Tzeng 2004): pymcdm's
# own VIKOR default maps a cost column to min/x, not the classical linear scale, and divides by zero at 0.
METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("topsis", True, "vector", 0.5, None, description="closeness to the ideal (Hwang and Yoon)"),
        Method(
            "vikor", False, "minmax", 0.0, lambda f: pm_methods.VIKOR(f),
            description="compromise index Q, v = 0.5; LOWER is better (rank 1 has the smallest Q)",
        ),
        Method(
            "promethee_ii", True, None, 0.0, lambda _f: pm_methods.PROMETHEE_II("usual"),
            description="net outranking flow with the usual preference function",
        ),
        Method("wsm", True, "sum", 1.0, lambda f: pm_methods.WSM(f), description="weighted sum model"),
        Method(
            "waspas", True, "linear", 1.0, lambda f: pm_methods.WASPAS(f), nonnegative_normalized=True,
            description="weighted aggregated sum product assessment, lambda = 0.5",
        ),
        Method(
            "edas", True, None, 0.5, lambda _f: pm_methods.EDAS(), data_domain="nonnegative",
            description="evaluation based on distance from the average solution",
        ),
        Method(
            "mabac", True, "minmax", 0.0, lambda f: pm_methods.MABAC(f), nonnegative_normalized=True,
            description="multi-attributive border approximation area comparison",
        ),
        Method(
            "wpm", True, "sum", 1.0, lambda f: pm_methods.WPM(f), nonnegative_normalized=True,
            description="weighted product model",
        ),
        Method(
            "aras", True, "sum", 1.0, lambda f: pm_methods.ARAS(f),
            description="additive ratio assessment (utility relative to the ideal alternative)",
        ),
    )
}  # fmt: skip


# --- validation -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidatedProblem:
    """A decision problem that passed validation; `active` is False for columns left out of the computation.

    `matrix` (and `column_min`, `column_max`) hold each column divided by a power of two near its largest
    magnitude (`power_of_two_scale`): exact, and no normalisation or method depends on a column's unit, yet
    the squares and sums of a column near 1e200 or 1e-200 no longer overflow or underflow.
    """

    matrix: FloatArray
    weights: FloatArray
    types: IntArray
    active: BoolArray
    warnings: tuple[str, ...]
    column_min: FloatArray
    column_max: FloatArray


def criterion_label(j: int, criteria_names: Sequence[str] | None) -> str:
    """How warnings name criterion j: by its name when names are given, else by its index."""
    return f"criterion {criteria_names[j]!r}" if criteria_names is not None else f"criterion {j}"


def _cell_errors(cells: npt.NDArray[np.intp], msg: str, columns: IntArray | None = None) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for i, j in cells[:MAX_REPORTED_ERRORS]:
        col = int(columns[j]) if columns is not None else int(j)
        errors.append({"loc": ["matrix", int(i), col], "msg": msg})
    return errors


def validate_matrix(matrix: npt.ArrayLike) -> FloatArray:
    """The decision matrix as a 2-D float array with at least one row and column and only finite values."""
    if isinstance(matrix, Sequence) and len(matrix) > 0 and isinstance(matrix[0], Sequence):
        width = len(matrix[0])
        for i, row in enumerate(matrix):
            if not isinstance(row, Sequence) or len(row) != width:
                raise invalid(f"every row must have {width} values, one per criterion", ["matrix", i])
    try:
        values = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise invalid("the matrix must hold numbers only", ["matrix"]) from exc
    if values.ndim != 2 or values.shape[0] < 1 or values.shape[1] < 1:
        raise invalid("the matrix must be 2-D with at least one alternative and one criterion", ["matrix"])
    # One sum is far cheaper than an element-wise isfinite mask; the mask is only built to locate the culprits.
    if not np.isfinite(values.sum()):
        bad = np.argwhere(~np.isfinite(values))
        if bad.size:
            errors = _cell_errors(bad, "value is missing or not a finite number")
            raise InvalidInput(f"{len(bad)} matrix value(s) are missing or not finite", errors=errors)
        raise invalid("matrix values are too large to compute with", ["matrix"])
    return values


def validate_weights(weights: npt.ArrayLike, k: int, *, loc: Loc | None = None) -> tuple[FloatArray, list[str]]:
    """Non-negative finite weights with a positive sum, normalised to sum 1, and the warnings that produced.

    Errors are located at `loc + [j]`, or at ["criteria", j, "weight"] by default.
    """

    def at(j: int) -> Loc:
        return [*loc, j] if loc is not None else ["criteria", j, "weight"]

    whole: Loc = loc if loc is not None else ["criteria"]
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise invalid("weights must be numbers", whole) from exc
    if w.ndim != 1 or w.shape[0] != k:
        raise invalid(f"expected {k} weights, one per criterion, got {w.size}", whole)
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        msg = "a weight must be a finite number >= 0"
        raise InvalidInput(msg, errors=[{"loc": at(int(j)), "msg": msg} for j in bad[:MAX_REPORTED_ERRORS]])
    # Weights of 1e308 would sum to infinity and normalise to 0; divided by a power of two near the largest first,
    # their sum stays finite (and ordinary weights come out bit for bit as w / sum(w)).
    unit = float(power_of_two_scale(w.max(initial=0.0)))
    scaled = w / unit
    total = float(scaled.sum())
    if not total > 0:
        raise invalid("the weights must have a positive sum", whole)
    warnings: list[str] = []
    if abs(total * unit - 1.0) > WEIGHT_SUM_TOLERANCE:
        warnings.append("weights did not sum to 1 and were normalised")
    return scaled / total, warnings


def validate_types(types: Sequence[str | int] | npt.ArrayLike, k: int) -> IntArray:
    """Criterion directions as +1 (benefit) / -1 (cost); accepts "benefit"/"cost" or 1/-1."""
    raw = list(np.asarray(types, dtype=object).ravel()) if not isinstance(types, str) else [types]
    if len(raw) != k:
        raise invalid(f"expected {k} criterion types, got {len(raw)}", ["criteria"])
    out = np.empty(k, dtype=np.int64)
    for j, t in enumerate(raw):
        if t in ("benefit", 1) and not isinstance(t, bool):
            out[j] = 1
        elif t in ("cost", -1):
            out[j] = -1
        else:
            raise invalid("type must be 'benefit' or 'cost'", ["criteria", j, "type"])
    return out


def validate_problem(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: Sequence[str | int] | npt.ArrayLike,
    *,
    criteria_names: Sequence[str] | None = None,
) -> ValidatedProblem:
    """Check a decision problem in O(m·k) and normalise its weights.

    Raises InvalidInput located at ["matrix", i, j], ["criteria", j, "weight"], ["criteria", j, "type"] or
    ["criteria"]. Columns on which every alternative is equal (all-zero columns included) cannot tell the
    alternatives apart and would give 0/0 in several normalisations, so they are marked inactive (left out
    of the computation) with a warning naming the criterion.
    """
    values = validate_matrix(matrix)
    k = values.shape[1]
    if criteria_names is not None and len(criteria_names) != k:
        raise invalid(f"expected {k} criterion names, got {len(criteria_names)}", ["criteria"])
    w, warnings = validate_weights(weights, k)
    t = validate_types(types, k)
    low, high = values.min(axis=0), values.max(axis=0)
    unit = power_of_two_scale(np.maximum(np.abs(low), np.abs(high)))
    values, low, high = values / unit, low / unit, high / unit
    active = high > low
    for j in np.flatnonzero(~active):
        what = "is zero" if high[j] == 0 else "has the same value"
        warnings.append(
            f"{criterion_label(int(j), criteria_names)} {what} for every alternative and was left out "
            "of the computation"
        )
    return ValidatedProblem(values, w, t, active, tuple(warnings), low, high)


# --- ranks ----------------------------------------------------------------------------------------------


def competition_ranks(scores: FloatArray, *, higher_is_better: bool = True) -> IntArray:
    """Competition ("min") ranks along the last axis, 1 = best; scores equal to 12 significant digits tie.

    The rounding is relative to the largest magnitude in each row, so floating-point noise in the last bits
    does not break ties that are exact in theory.
    """
    magnitude = np.max(np.abs(scores), axis=-1, keepdims=True)
    exponent = np.floor(np.log10(np.where(magnitude > 0, magnitude, 1.0)))
    unit = 10.0 ** (exponent - (SIGNIFICANT_DIGITS - 1))
    keys = np.rint(scores / unit)
    if higher_is_better:
        keys = -keys
    order = np.argsort(keys, axis=-1, kind="stable")
    ordered = np.take_along_axis(keys, order, axis=-1)
    starts_group = np.ones(keys.shape, dtype=bool)
    starts_group[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    position = np.broadcast_to(np.arange(keys.shape[-1]), keys.shape)
    first_of_group = np.maximum.accumulate(np.where(starts_group, position, 0), axis=-1)
    ranks = np.empty(keys.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, first_of_group + 1, axis=-1)
    return ranks


# --- scoring --------------------------------------------------------------------------------------------


def resolve_method(method: str) -> Method:
    """The Method named `method`, or InvalidInput at ["method"]."""
    if method not in METHODS:
        raise invalid(f"unknown method {method!r}; choose one of {', '.join(METHODS)}", ["method"])
    return METHODS[method]


def resolve_normalization(spec: Method, normalization: str | None) -> str | None:
    """The normalisation a method will use: the one asked for, or the method's default."""
    if normalization is None:
        return spec.default_normalization
    if spec.default_normalization is None:
        raise invalid(f"{spec.name} does not use a normalization; leave it out", ["normalization"])
    if normalization not in NORMALIZATIONS:
        choices = ", ".join(NORMALIZATIONS)
        raise invalid(f"unknown normalization {normalization!r}; choose one of {choices}", ["normalization"])
    return normalization


def require_domain(values: FloatArray, columns: IntArray, domain: Domain, why: str) -> None:
    """Raise InvalidInput naming the cells of `values` outside `domain`; `columns` maps its columns to criteria."""
    if domain == "any":
        return
    bad = np.argwhere(values <= 0 if domain == "positive" else values < 0)
    if bad.size:
        need = "> 0" if domain == "positive" else ">= 0"
        msg = f"{why} needs every value {need}"
        raise InvalidInput(f"{msg}; {len(bad)} value(s) are not", errors=_cell_errors(bad, msg, columns))


@dataclass(frozen=True)
class TopsisBasis:
    """What TOPSIS needs from a matrix whatever the weights: gaps are measured on `base` (the raw values for an
    affine normalisation, else the normalised matrix) and scaled by `column_scale`."""

    base: FloatArray
    ideal: FloatArray
    anti_ideal: FloatArray
    column_scale: FloatArray

    def distances(self, w: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Distances (S x m) to the ideal and to the anti-ideal for S weight vectors over the base columns."""
        scaled_w2 = np.square(w * self.column_scale)
        # One scratch buffer for both gaps: a second live m x k temporary costs fresh pages (slow first touch
        # on large matrices). einsum keeps the contraction single-threaded, so timings do not depend on BLAS
        # threads competing for the cores.
        gap = self.base - self.ideal
        np.square(gap, out=gap)
        to_ideal = np.sqrt(np.einsum("ij,sj->si", gap, scaled_w2))
        np.subtract(self.base, self.anti_ideal, out=gap)
        np.square(gap, out=gap)
        to_anti_ideal = np.sqrt(np.einsum("ij,sj->si", gap, scaled_w2))
        return to_ideal, to_anti_ideal


@dataclass(frozen=True)
class PreparedProblem:
    """A validated problem ready to be scored under one or many weight vectors.

    TOPSIS is scored by the engine's own vectorised code: with non-negative weights the weighted ideal is
    the weight times the unweighted column best, so for S weight vectors at once
    d+^2 = sum_j (w_sj a_j)^2 (x_ij - x_j^best)^2 is one (S x k) by (m x k) contraction, where a_j is the
    column's normalisation scale (see TopsisBasis).
    """

    method: Method
    normalization: str | None
    problem: ValidatedProblem
    warnings: tuple[str, ...]
    topsis: TopsisBasis | None = field(default=None, repr=False)

    @property
    def vectorised(self) -> bool:
        """True when a batch of weight vectors is scored at once rather than one pymcdm call per vector."""
        return self.topsis is not None

    def scores(self, weight_matrix: FloatArray) -> FloatArray:
        """Scores (S x m) for S full-length weight vectors (S x k, non-negative); never NaN or infinite."""
        active = self.problem.active
        w = weight_matrix if active.all() else weight_matrix[:, active]
        no_information = ~(w.sum(axis=1) > 0)
        if self.topsis is not None:
            to_ideal, to_anti_ideal = self.topsis.distances(w)
            total = to_ideal + to_anti_ideal
            with np.errstate(invalid="ignore", divide="ignore"):
                out = np.where(total > 0, to_anti_ideal / total, self.method.neutral_score)
        else:
            out = np.full((w.shape[0], self.problem.matrix.shape[0]), self.method.neutral_score)
            matrix, types = self.problem.matrix[:, active], self.problem.types[active]
            for s in np.flatnonzero(~no_information):
                out[s] = _run_pymcdm(self.method, self.normalization, matrix, w[s], types)
        out[no_information] = self.method.neutral_score
        if not np.isfinite(out).all():
            msg = f"{self.method.name} with {self.normalization or 'no'} normalization is undefined for this matrix"
            raise invalid(msg, ["matrix"])
        return np.asarray(out, dtype=np.float64)


def _run_pymcdm(
    spec: Method, normalization: str | None, matrix: FloatArray, weights: FloatArray, types: IntArray
) -> FloatArray:
    if spec.build is None:
        raise ValueError(f"{spec.name} is scored by the engine's own code, not by pymcdm")
    function = NORMALIZATIONS[normalization].pymcdm_function if normalization else None
    body = spec.build(function)
    with np.errstate(all="ignore"):
        if spec.name == "vikor":
            # pymcdm's Q divides by the spread of S and of R, which is 0 when every alternative ties on one of
            # them; that term then carries no information and is 0, not NaN.
            *_, s, r, _q = body._method(matrix, weights, types)
            v = body.v
            return np.asarray(v * _spread_scaled(s) + (1 - v) * _spread_scaled(r), dtype=np.float64)
        # validation=False: pymcdm's validation is O(m^2) and this engine has already validated the problem.
        return np.asarray(body(matrix, weights, types, validation=False), dtype=np.float64)


def _spread_scaled(x: FloatArray) -> FloatArray:
    low, spread = x.min(), x.max() - x.min()
    return (x - low) / spread if spread > 0 else np.zeros_like(x)


def prepare(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: Sequence[str | int] | npt.ArrayLike,
    *,
    method: str = "topsis",
    normalization: str | None = None,
    criteria_names: Sequence[str] | None = None,
) -> PreparedProblem:
    """Validate a problem for `method` and precompute what every weight vector shares."""
    spec = resolve_method(method)
    norm = resolve_normalization(spec, normalization)
    problem = validate_problem(matrix, weights, types, criteria_names=criteria_names)
    warnings = list(problem.warnings)
    active = problem.active
    # Boolean indexing copies the matrix; skip it in the common case where every column is used.
    values = problem.matrix if active.all() else problem.matrix[:, active]
    types_active, columns = problem.types[active], np.flatnonzero(active)
    if norm is not None:
        require_domain(values, columns, NORMALIZATIONS[norm].domain, f"{norm} normalization")
    require_domain(values, columns, spec.data_domain, spec.name)
    if not problem.weights[problem.active].sum() > 0:
        warnings.append(
            "no criterion with a positive weight tells the alternatives apart; every alternative gets the "
            f"same score ({spec.neutral_score:g})"
        )
    if (
        spec.nonnegative_normalized
        and norm is not None
        and values.size
        and (normalize(values, types_active, norm) < 0).any()
    ):
        msg = f"{spec.name} needs non-negative normalized values; {norm} normalization gives negative ones here"
        raise invalid(msg, ["normalization"])
    if spec.build is not None or norm is None:
        return PreparedProblem(spec, norm, problem, tuple(warnings))
    scale_of = NORMALIZATIONS[norm].column_scale
    if scale_of is not None:
        # An affine normalisation scales each column's squared gaps by a^2 whichever way it is flipped, so the
        # gaps are taken on the raw values and a^2 joins the squared weights: no normalised copy is made.
        low, high = problem.column_min[active], problem.column_max[active]
        scale = scale_of(values, low, high)
        ideal, anti_ideal = np.where(types_active > 0, high, low), np.where(types_active > 0, low, high)
        return PreparedProblem(spec, norm, problem, tuple(warnings), TopsisBasis(values, ideal, anti_ideal, scale))
    normalized = normalize(values, types_active, norm)
    ideal, anti_ideal, scale = normalized.max(axis=0), normalized.min(axis=0), np.ones(values.shape[1])
    return PreparedProblem(spec, norm, problem, tuple(warnings), TopsisBasis(normalized, ideal, anti_ideal, scale))


@dataclass(frozen=True)
class ScoreResult:
    """Scores and ranks of the alternatives, in input order.

    `scores` are the method's own values (for VIKOR the compromise index Q, where lower is better, see
    `higher_is_better`); `ranks` always have 1 = best and equal scores share the best rank of their group.
    """

    scores: FloatArray
    ranks: IntArray
    method: str
    normalization: str | None
    higher_is_better: bool
    warnings: tuple[str, ...]


def score(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    types: Sequence[str | int] | npt.ArrayLike,
    *,
    method: str = "topsis",
    normalization: str | None = None,
    criteria_names: Sequence[str] | None = None,
) -> ScoreResult:
    """Score and rank the alternatives (rows) of a decision matrix with one MCDA method.

    `normalization` None means the method's default (vector for TOPSIS: classical Hwang and Yoon TOPSIS).
    """
    prepared = prepare(
        matrix, weights, types, method=method, normalization=normalization, criteria_names=criteria_names
    )
    scores = prepared.scores(prepared.problem.weights[np.newaxis, :])[0]
    ranks = competition_ranks(scores, higher_is_better=prepared.method.higher_is_better)
    return ScoreResult(
        scores, ranks, prepared.method.name, prepared.normalization, prepared.method.higher_is_better,
        prepared.warnings,
    )  # fmt: skip
