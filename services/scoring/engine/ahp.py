"""Analytic Hierarchy Process: judgments, priorities, consistency, group aggregation and hierarchy synthesis."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn, get_args

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize, minimize_scalar
from scipy.special import entr

from services.scoring.engine.random_index import RI_TABLES, Loc, random_index
from shared import pairwise
from shared.errors import InvalidInput
from shared.schemas.vocabulary import Aggregation, Completion, ConsensusBand, PriorityMethod

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Judgment = float | int | str | None
METHODS: tuple[PriorityMethod, ...] = get_args(PriorityMethod)
AGGREGATIONS: tuple[Aggregation, ...] = get_args(Aggregation)
COMPLETIONS: tuple[Completion, ...] = get_args(Completion)
CONSENSUS_BANDS: tuple[ConsensusBand, ...] = get_args(ConsensusBand)

RECIPROCITY_TOLERANCE = pairwise.RECIPROCITY_TOLERANCE
# Far beyond any AHP scale (1-9, power 81, geometric 256). The bound keeps the product of a long chain of
# judgments, and so every weight ratio and completed entry, inside floating point.
MAX_JUDGMENT = pairwise.MAX_JUDGMENT
# A perfectly consistent matrix still shows deviations of a few ulps after the eigen solve: a matrix whose CR
# is below PERFECTLY_CONSISTENT_CR (API.md) lists no inconsistencies, nor does a judgment that deviates less.
PERFECTLY_CONSISTENT_CR = 1e-9
CONSISTENT_DEVIATION = 1e-9
MAX_INCONSISTENCIES = 3
# The scale a judgment's best value is sought on (API.md), and the M of Goepel's AHP consensus S*.
SAATY_SCALE_MAX = pairwise.SAATY_SCALE_MAX
# Upper ends of S* for the first four of AHP-OS's five consensus words (Goepel's word scale, as AHP-OS words it).
CONSENSUS_BAND_TOPS = (0.5, 0.625, 0.75, 0.875)
# Stopping rules of the lambda_max minimisations: lambda_max is flat at its minimum, so its argument is found to
# about the square root of the precision the value is found to.
_SCALAR_XATOL = 1e-10
_LBFGS_OPTIONS = {"ftol": 1e-15, "gtol": 1e-10, "maxiter": 500}
_PERRON_STEPS = 200
_PERRON_TOLERANCE = 1e-14


@dataclass(frozen=True, slots=True)
class Inconsistency:
    """A given judgment at odds with the derived priorities, the value `w_i / w_j` that would agree, and the value
    in [1/9, 9] that would make lambda_max least (the others kept), with the CR the matrix would then have."""

    row: int
    col: int
    value: float
    suggested: float
    best_value: float
    cr_after: float


@dataclass(frozen=True, eq=False, slots=True)
class PriorityResult:
    """Priorities of one pairwise comparison matrix and its consistency."""

    weights: FloatArray
    lambda_max: float
    ci: float
    ri: float
    cr: float
    consistent: bool
    completed_matrix: FloatArray
    inconsistencies: list[Inconsistency]


@dataclass(frozen=True, eq=False, slots=True)
class ExpertJudgment:
    """One expert's comparison matrix (NaN = missing judgment, as `to_matrix` returns) and their weight."""

    expert: str
    weight: float
    matrix: FloatArray


@dataclass(frozen=True, eq=False, slots=True)
class ExpertResult:
    """An expert's own priorities and consistency ratio."""

    expert: str
    weights: FloatArray
    cr: float
    consistent: bool


@dataclass(frozen=True, eq=False, slots=True)
class GroupResult:
    """Group priorities; `aggregated_matrix` is the AIJ matrix with any pair nobody judged filled as `completion`
    says (w_i/w_j, or the value that minimises lambda_max)."""

    weights: FloatArray
    aggregation: str
    aggregated_matrix: FloatArray | None
    lambda_max: float
    ci: float
    ri: float
    cr: float
    consistent: bool
    consensus: float
    ahp_consensus: float
    consensus_band: ConsensusBand
    experts: list[ExpertResult]


@dataclass(eq=False)
class HierarchyNode:
    """A node of a decision hierarchy; its children are weighed by either a comparison matrix or weights."""

    name: str
    matrix: FloatArray | None = None
    weights: FloatArray | None = None
    children: list[HierarchyNode] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NodeWeight:
    """One place a node stands in the hierarchy; `cr` is that of the matrix weighing its children (else 0)."""

    path: str
    local_weight: float
    global_weight: float
    cr: float


@dataclass(frozen=True, slots=True)
class HierarchyResult:
    """Weights of every non-root node, leaves summed over every place they stand, and the root's CR."""

    nodes: list[NodeWeight]
    leaves: dict[str, float]
    consistent: bool
    cr: float


def parse_judgment(value: Judgment, *, loc: Loc = ()) -> float | None:
    """One pairwise judgment: a number or a fraction string such as "1/3" as a positive float; None if missing."""
    problem = pairwise.judgment_problem(value)
    if problem is not None:
        raise InvalidInput(problem, errors=[_error(loc, problem)])
    return pairwise.to_float(value)


def to_matrix(rows: Sequence[Sequence[Judgment]], loc_prefix: Loc = ("matrix",)) -> FloatArray:
    """A validated, exactly reciprocal n x n matrix from request rows, NaN where a judgment is missing."""
    matrix, errors = pairwise.matrix_errors(rows, loc_prefix)
    if matrix is None:
        _raise_if(errors, "the comparison matrix is not square" if rows else "a comparison matrix needs a row")
        raise AssertionError("unreachable: a matrix of the wrong shape has errors")
    _raise_if(errors, "the comparison matrix is not valid")
    return _reciprocal_from_upper(matrix)


def priorities(
    matrix: FloatArray,
    *,
    method: PriorityMethod = "eigenvector",
    ri_table: str = "saaty",
    cr_threshold: float = 0.1,
    loc_prefix: Loc = ("matrix",),
    completion: Completion = "harker",
) -> PriorityResult:
    """Priorities, consistency and the worst judgments of one comparison matrix (NaN = missing judgment).

    `completion` says how `eigenvector` fills missing judgments: `harker` (Harker's method) or `optimal` (the
    values that minimise lambda_max of the completed matrix, Bozoki, Fulop and Ronyai 2010); `geometric_mean`
    always fills them by logarithmic least squares.
    """
    _check_settings(method=method, completion=completion, cr_threshold=cr_threshold)
    return _priorities(matrix, method, ri_table, cr_threshold, loc_prefix, completion, explained=True)


def _priorities(
    matrix: FloatArray,
    method: PriorityMethod,
    ri_table: str,
    cr_threshold: float,
    loc_prefix: Loc,
    completion: Completion,
    *,
    explained: bool,
) -> PriorityResult:
    """`priorities` once its settings are checked. Unless `explained`, no inconsistencies are listed: the group and
    hierarchy answers show none, and the search for each one's best value is most of the work."""
    checked = _checked_matrix(matrix, loc_prefix)
    n = checked.shape[0]
    ri = random_index(n, ri_table)
    solution = _solve(checked[np.newaxis], method, [loc_prefix], completion)
    weights = solution.weights[0]
    ci, cr = _consistency(solution.lambda_max, n, ri)
    result = PriorityResult(
        weights=weights,
        lambda_max=float(solution.lambda_max[0]),
        ci=float(ci[0]),
        ri=ri,
        cr=float(cr[0]),
        consistent=bool(cr[0] <= cr_threshold),
        completed_matrix=solution.completed[0],
        inconsistencies=[],
    )
    if not explained or result.cr < PERFECTLY_CONSISTENT_CR:
        return result
    inconsistencies = [
        Inconsistency(
            row, col, value, suggested, *_best_value(checked, row, col, result, method, completion, loc_prefix)
        )
        for row, col, value, suggested in _worst_judgments(checked, weights)
    ]
    return replace(result, inconsistencies=inconsistencies)


def group(
    judgments: Sequence[ExpertJudgment],
    *,
    aggregation: Aggregation = "aij",
    method: PriorityMethod = "eigenvector",
    ri_table: str = "saaty",
    cr_threshold: float = 0.1,
    completion: Completion = "harker",
) -> GroupResult:
    """Group priorities of a panel by aggregating individual judgments (AIJ) or priorities (AIP).

    AIJ: each entry is the weighted geometric mean of the experts who gave it (weights renormalised over
    them); the group priorities and consistency are those of that matrix. AIP: the group priorities are the
    weighted arithmetic mean of the experts' priorities, and since AIP has no group matrix, lambda_max, ci
    and cr are the weighted means of the experts' own values (cr is linear in lambda_max for a fixed n, so
    the three stay coherent). Every expert's judgments must connect all items, as their own priorities
    are reported too. `consensus` is Goepel's relative homogeneity of the experts' priorities, `ahp_consensus`
    his AHP consensus S* and `consensus_band` its word. `completion` fills missing judgments, the experts' and
    the group matrix's, as in `priorities`.
    """
    _check_choice(aggregation, AGGREGATIONS, ("aggregation",))
    _check_settings(method=method, completion=completion, cr_threshold=cr_threshold)
    if not judgments:
        msg = "a group needs at least one expert"
        raise InvalidInput(msg, errors=[_error(("judgments",), msg)])
    matrices, importance = _checked_panel(judgments)
    stack = np.stack(matrices)
    n = stack.shape[-1]
    ri = random_index(n, ri_table)
    solution = _solve(stack, method, [("judgments", k, "matrix") for k in range(len(judgments))], completion)
    expert_ci, expert_cr = _consistency(solution.lambda_max, n, ri)
    experts = [
        ExpertResult(
            expert=judgment.expert,
            weights=solution.weights[k],
            cr=float(expert_cr[k]),
            consistent=bool(expert_cr[k] <= cr_threshold),
        )
        for k, judgment in enumerate(judgments)
    ]
    agreement = consensus(solution.weights, importance)
    scale_agreement = ahp_consensus(solution.weights, importance)
    band = consensus_band(scale_agreement)
    if aggregation == "aij":
        aggregated_matrix = _aggregate_judgments(stack, importance)
        aggregated = _priorities(
            aggregated_matrix, method, ri_table, cr_threshold, ("judgments",), completion, explained=False
        )
        return GroupResult(
            weights=aggregated.weights,
            aggregation=aggregation,
            aggregated_matrix=aggregated.completed_matrix,
            lambda_max=aggregated.lambda_max,
            ci=aggregated.ci,
            ri=ri,
            cr=aggregated.cr,
            consistent=aggregated.consistent,
            consensus=agreement,
            ahp_consensus=scale_agreement,
            consensus_band=band,
            experts=experts,
        )
    cr = float(importance @ expert_cr)
    return GroupResult(
        weights=importance @ solution.weights,
        aggregation=aggregation,
        aggregated_matrix=None,
        lambda_max=float(importance @ solution.lambda_max),
        ci=float(importance @ expert_ci),
        ri=ri,
        cr=cr,
        consistent=cr <= cr_threshold,
        consensus=agreement,
        ahp_consensus=scale_agreement,
        consensus_band=band,
        experts=experts,
    )


def consensus(expert_weights: FloatArray, expert_importance: FloatArray | None = None) -> float:
    """Goepel's relative homogeneity S of K experts' priority vectors (K x n): 1 when all agree.

    With Shannon entropies H_alpha = (importance-weighted) mean entropy of each expert's priorities,
    H_gamma = entropy of the mean priorities and H_beta = H_gamma - H_alpha, the beta diversity is
    D_beta = exp(H_beta) and S = (1/D_beta - 1/n) / (1 - 1/n) for n compared items (Goepel, IJAHP 10(3),
    2018; `relHomogeneity` in BPMSG's AHP-OS). This is the scale-free form, not the "AHP consensus" S*
    that corrects for the maximum of the 1-9 scale (`ahp_consensus`); clipped to [0, 1], and 1 for one expert
    or one item.
    """
    beta_diversity, n = _beta_diversity(expert_weights, expert_importance)
    if n == 1:
        return 1.0
    homogeneity = (1 / beta_diversity - 1 / n) / (1 - 1 / n)
    return float(np.clip(homogeneity, 0.0, 1.0))


def ahp_consensus(
    expert_weights: FloatArray, expert_importance: FloatArray | None = None, *, scale_max: float = SAATY_SCALE_MAX
) -> float:
    """Goepel's AHP consensus indicator S* of K experts' priority vectors (K x n), as AHP-OS reports it.

    S* = (1/D_beta - D_alpha,min / D_gamma,max) / (1 - D_alpha,min / D_gamma,max), with D_beta as in `consensus`,
    D_gamma,max = n, and D_alpha,min = exp(H_alpha,min) the diversity of the most one-sided priorities a scale
    up to M = `scale_max` gives, one item M times as important as each of the others: M / (n + M - 1) and
    n - 1 times 1 / (n + M - 1) (Goepel, IJAHP 10(3), 2018; `getConsensus` and `ahpShannonCor` in BPMSG's AHP-OS,
    which since 2022 takes D_gamma,max = n for any number of experts). Not clipped: experts further apart than
    those one-sided priorities give a value below 0. 1 for one expert or one item.
    """
    beta_diversity, n = _beta_diversity(expert_weights, expert_importance)
    if n == 1:
        return 1.0
    one_sided = np.array([scale_max, *[1.0] * (n - 1)]) / (n + scale_max - 1)
    floor = math.exp(float(entr(one_sided).sum())) / n
    return float((1 / beta_diversity - floor) / (1 - floor))


def consensus_band(value: float) -> ConsensusBand:
    """AHP-OS's word for an AHP consensus S*: very_low up to 0.5, low up to 0.625, moderate up to 0.75, high up to
    0.875 (each end included), very_high above."""
    return CONSENSUS_BANDS[bisect_left(CONSENSUS_BAND_TOPS, value)]


def _beta_diversity(expert_weights: FloatArray, expert_importance: FloatArray | None) -> tuple[float, int]:
    """Goepel's beta diversity D_beta = exp(H_gamma - H_alpha) of K experts' priorities (K x n), and n.

    H_alpha is the importance-weighted mean of the experts' Shannon entropies, H_gamma the entropy of their
    importance-weighted mean priorities. D_beta is 1 for one expert; the caller answers for n = 1.
    """
    loc: Loc = ("experts",)
    p = np.asarray(expert_weights, dtype=np.float64)
    if p.ndim != 2 or p.size == 0:
        _fail(loc, f"expected one priority vector per expert (a K x n array), got shape {p.shape}")
    totals = p.sum(axis=1)
    if not (np.isfinite(p).all() and (p >= 0).all() and (totals > 0).all()):
        _fail(loc, "priorities must be non-negative and finite, with a positive sum for every expert")
    k, n = p.shape
    if k == 1 or n == 1:
        return 1.0, n
    importance = np.ones(k) if expert_importance is None else np.asarray(expert_importance, np.float64)
    if importance.shape != (k,) or not (np.isfinite(importance).all() and (importance > 0).all()):
        _fail(loc, f"expected {k} positive finite expert weights")
    importance = importance / importance.sum()
    p = p / totals[:, np.newaxis]
    alpha_entropy = float(importance @ entr(p).sum(axis=1))
    gamma_entropy = float(entr(importance @ p).sum())
    # Concavity makes H_beta >= 0; clamping only removes rounding noise for identical experts.
    return math.exp(max(gamma_entropy - alpha_entropy, 0.0)), n


def hierarchy(
    tree: HierarchyNode,
    *,
    method: PriorityMethod = "eigenvector",
    ri_table: str = "saaty",
    cr_threshold: float = 0.1,
    completion: Completion = "harker",
) -> HierarchyResult:
    """Local and global weights of every node of a hierarchy, and leaves summed over every place they stand."""
    _check_settings(method=method, completion=completion, cr_threshold=cr_threshold)
    _check_choice(ri_table, RI_TABLES, ("ri_table",))
    errors: list[dict[str, Any]] = []
    if not tree.children:
        errors.append(_error(("tree", "children"), "the goal needs at least one child to weigh"))
    nodes: list[NodeWeight] = []
    leaves: dict[str, float] = {}
    consistent = True
    root_cr = 0.0
    # An explicit stack (node, loc, path, local, global) keeps a deep tree off Python's call stack.
    pending: list[tuple[HierarchyNode, Loc, str, float, float]] = [(tree, ("tree",), tree.name, 1.0, 1.0)]
    while pending:
        node, loc, path, local_weight, global_weight = pending.pop()
        if not node.name.strip():
            errors.append(_error((*loc, "name"), "a node needs a name"))
        node_cr = 0.0
        if node.children:
            local, node_cr, node_consistent = _local_weights(
                node, loc, method, ri_table, cr_threshold, completion, errors
            )
            consistent = consistent and node_consistent
            seen: set[str] = set()
            for k, child in enumerate(node.children):
                if child.name in seen:
                    msg = f"{child.name!r} stands twice under {node.name!r}"
                    errors.append(_error((*loc, "children", k, "name"), msg))
                seen.add(child.name)
            for k in reversed(range(len(node.children))):
                child = node.children[k]
                child_loc = (*loc, "children", k)
                share = float(local[k])
                pending.append((child, child_loc, f"{path}/{child.name}", share, global_weight * share))
        else:
            for attribute in ("matrix", "weights"):
                if getattr(node, attribute) is not None:
                    msg = f"a leaf weighs no children, so it takes no {attribute}"
                    errors.append(_error((*loc, attribute), msg))
            leaves[node.name] = leaves.get(node.name, 0.0) + global_weight
        if node is tree:
            root_cr = node_cr
        else:
            nodes.append(NodeWeight(path, local_weight, global_weight, node_cr))
    unique = list({(tuple(e["loc"]), e["msg"]): e for e in errors}.values())
    _raise_if(unique, "the hierarchy is not valid")
    return HierarchyResult(nodes=nodes, leaves=leaves, consistent=consistent, cr=root_cr)


@dataclass(frozen=True, eq=False, slots=True)
class _Solution:
    weights: FloatArray  # (K, n)
    completed: FloatArray  # (K, n, n)
    lambda_max: FloatArray  # (K,)


def _solve(stack: FloatArray, method: str, locs: Sequence[Loc], completion: str = "harker") -> _Solution:
    """Priorities of K exactly reciprocal n x n matrices at once (NaN = missing judgment)."""
    n = stack.shape[-1]
    missing = np.isnan(stack)
    if missing.any():
        reached = _reached_from_first(~missing)
        disconnected = [
            _error(locs[k], f"the judgments leave items {np.flatnonzero(~reached[k]).tolist()} unlinked to item 0")
            for k in np.flatnonzero(~reached.all(axis=1)).tolist()
        ]
        _raise_if(disconnected, "the judgments do not connect all items")
    log_weights = _logarithmic_least_squares(stack, missing)
    if method == "eigenvector":
        if completion == "optimal" and missing.any():
            stack = _optimally_completed(stack, missing, log_weights, locs)
            missing = np.zeros_like(missing)
        # Harker's positive eigenvector is one of the completed matrix too, so its eigenvalue is that
        # matrix's Perron root.
        lambda_max, weights = _principal(_balanced(_harker(stack, missing), log_weights, locs), log_weights)
        completed = _completed(stack, missing, weights, locs)
    else:
        weights = _normalised_exp(log_weights)
        completed = _completed(stack, missing, weights, locs)
        lambda_max = np.linalg.eigvals(_balanced(completed, log_weights, locs)).real.max(axis=1)
    # Saaty: lambda_max >= n for every positive reciprocal matrix; anything below is rounding.
    return _Solution(weights=weights, completed=completed, lambda_max=np.maximum(lambda_max, n))


def _optimally_completed(
    stack: FloatArray, missing: BoolArray, log_weights: FloatArray, locs: Sequence[Loc]
) -> FloatArray:
    """The matrices with each missing judgment at the value that minimises lambda_max of the completed matrix.

    Bozoki, Fulop and Ronyai (2010), the completion AHPy computes (by cyclic coordinates; here all at once, from
    the LLSM completion). The optimum is unbounded in principle; the values are kept within the judgments the
    engine takes, [1 / MAX_JUDGMENT, MAX_JUDGMENT]. It is unique when the judgments connect all items.
    """
    completed = _completed(stack, missing, _normalised_exp(log_weights), locs)
    limit = math.log(MAX_JUDGMENT)
    for k in np.flatnonzero(missing.any(axis=(1, 2))).tolist():
        rows, cols = np.nonzero(np.triu(missing[k], 1))
        bound = np.full(len(rows), limit)
        completed[k], _, _ = _least_lambda_max(completed[k], rows, cols, -bound, bound)
    return completed


def _least_lambda_max(
    matrix: FloatArray, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp], lower: FloatArray, upper: FloatArray
) -> tuple[FloatArray, FloatArray, float]:
    """A complete reciprocal matrix with its entries at (rows, cols), rows < cols, and their reciprocals moved to
    the values whose logarithms, within [lower, upper], minimise its principal eigenvalue; those logarithms; and
    that eigenvalue.

    lambda_max is a convex function of the logarithms of the entries (Bozoki, Fulop and Ronyai 2010, from
    Kingman's log-convexity of the spectral radius), so the minimum L-BFGS-B finds is the global one. Its gradient
    is d lambda / d log a_rc = (v_r w_c a_rc - v_c w_r a_cr) / (v . w), with v and w the left and right Perron
    vectors. The work is on the matrix balanced by its row geometric means (see `_balanced`), whose entries stay
    near 1 however wide the weights.
    """
    shift = np.log(matrix).mean(axis=1)
    logs = np.log(matrix) + shift[np.newaxis, :] - shift[:, np.newaxis]
    offset = shift[cols] - shift[rows]
    right = left = np.full(len(matrix), 1.0 / len(matrix))

    def lambda_max(log_values: FloatArray) -> tuple[float, FloatArray]:
        nonlocal right, left
        logs[rows, cols] = log_values + offset
        logs[cols, rows] = -logs[rows, cols]
        balanced = np.exp(logs)
        root, right = _perron(balanced, right)
        _, left = _perron(balanced.T, left)
        ratios = left[rows] * right[cols] * balanced[rows, cols] - left[cols] * right[rows] * balanced[cols, rows]
        return root, ratios / (left @ right)

    start = np.clip(np.log(matrix[rows, cols]), lower, upper)
    found = minimize(
        lambda_max, start, jac=True, method="L-BFGS-B", bounds=np.column_stack([lower, upper]), options=_LBFGS_OPTIONS
    )
    best = matrix.copy()
    best[rows, cols] = np.exp(found.x)
    best[cols, rows] = np.exp(-found.x)
    return best, found.x, float(found.fun)


def _best_value(
    matrix: FloatArray,
    row: int,
    col: int,
    result: PriorityResult,
    method: str,
    completion: str,
    loc: Loc,
) -> tuple[float, float]:
    """The value in [1/9, 9] of judgment (row, col), its reciprocal following, that makes lambda_max least with
    every other judgment kept, and the CR the matrix then has.

    lambda_max is the one `priorities` would report for the changed matrix (so is `cr_after`). Over the
    judgment's logarithm t it is convex whatever the completion: the entries that move are exponentials of t or
    of affine functions of it (LLSM's fills), or constants (Harker's zeros and diagonal), and the spectral radius
    is log-convex in such entries (Kingman 1961); with the optimal completion it is the minimum over the missing
    judgments of a jointly convex function. A bounded scalar search therefore finds its minimum; with the optimal
    completion the judgment joins the missing ones as one more variable of the same convex problem.
    """
    low, high = -math.log(SAATY_SCALE_MAX), math.log(SAATY_SCALE_MAX)
    missing = np.isnan(matrix)
    if method == "eigenvector" and completion == "optimal" and missing.any():
        free = np.triu(missing, 1)
        free[row, col] = True
        rows, cols = np.nonzero(free)
        judged = (rows == row) & (cols == col)
        limit = math.log(MAX_JUDGMENT)
        lower, upper = np.where(judged, low, -limit), np.where(judged, high, limit)
        _, log_values, lambda_max = _least_lambda_max(result.completed_matrix, rows, cols, lower, upper)
        # L-BFGS-B keeps to its bounds exactly, so a best value at an end of the scale is that end.
        log_value = float(log_values[judged][0])
    else:
        given, gaps = matrix[np.newaxis], missing[np.newaxis]
        locs, n = [loc], float(matrix.shape[0])
        # The changed matrices stay close to the given one: its LLSM weights balance them all, and each Perron
        # vector starts the next power iteration.
        log_weights = _logarithmic_least_squares(given, gaps)
        vector = np.ones(matrix.shape[0])

        def lambda_max_at(log_value: float) -> float:
            nonlocal vector
            trial = given.copy()
            trial[0, row, col], trial[0, col, row] = math.exp(log_value), math.exp(-log_value)
            if missing.any() and method != "eigenvector":
                # The geometric mean's lambda_max is that of the LLSM completion, which moves with the judgment.
                trial = _completed(trial, gaps, _normalised_exp(_logarithmic_least_squares(trial, gaps)), locs)
            root, vector = _perron(_balanced(_harker(trial, np.isnan(trial)), log_weights, locs)[0], vector)
            return max(root, n)

        found = minimize_scalar(lambda_max_at, bounds=(low, high), method="bounded", options={"xatol": _SCALAR_XATOL})
        # The search only comes within its tolerance of a minimum at an end of the scale: the ends are candidates.
        candidates = [(float(found.fun), float(found.x)), (lambda_max_at(low), low), (lambda_max_at(high), high)]
        lambda_max, log_value = min(candidates)
    ends = {low: 1 / SAATY_SCALE_MAX, high: SAATY_SCALE_MAX}
    _, cr_after = _consistency(np.array([lambda_max]), matrix.shape[0], result.ri)
    return ends.get(log_value, math.exp(log_value)), float(cr_after[0])


def _perron(matrix: FloatArray, start: FloatArray) -> tuple[float, FloatArray]:
    """Perron root and vector (summing to 1) of a primitive non-negative matrix, by power iteration from `start`.

    For the searches over many nearby matrices: started from the last one's vector, it settles in a few O(n^2)
    steps where LAPACK takes O(n^3); LAPACK answers when it does not settle.
    """
    vector = start / start.sum()
    for _ in range(_PERRON_STEPS):
        step = matrix @ vector
        root = float(step.sum())
        step /= root
        if np.abs(step - vector).max() <= _PERRON_TOLERANCE * step.max():
            return root, step
        vector = step
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return float(values[k].real), vector / vector.sum()


def _harker(stack: FloatArray, missing: BoolArray) -> FloatArray:
    """Harker (1987): a missing pair becomes 0 and each diagonal entry 1 + the number missing in its row.

    The eigenvector of that matrix is the one of the matrix completed with w_i / w_j, since each missing
    w_i/w_j * w_j would add exactly one w_i to row i, which the raised diagonal stands for.
    """
    n = stack.shape[-1]
    harker = np.where(missing, 0.0, stack)
    harker[:, np.arange(n), np.arange(n)] += missing.sum(axis=2)
    return harker


def _logarithmic_least_squares(stack: FloatArray, missing: BoolArray) -> FloatArray:
    """Logarithms of the weights minimising the squared log errors over the given judgments (sum 0).

    The normal equations are L x = b, with L the Laplacian of the judgment graph and b_i the sum of row i's
    log judgments. L is singular along constant vectors; adding the all-ones matrix pins sum(x) = 0 (as
    sum(b) = 0 by reciprocity) and, for a complete matrix, reduces to x = b / n, the row geometric mean.
    """
    diagonal = np.arange(stack.shape[-1])
    given = ~missing
    given[:, diagonal, diagonal] = False
    laplacian = -given.astype(np.float64)
    laplacian[:, diagonal, diagonal] = given.sum(axis=2)
    log_sums = np.log(np.where(missing, 1.0, stack)).sum(axis=2)
    logs: FloatArray = np.linalg.solve(laplacian + 1.0, log_sums[..., np.newaxis])[..., 0]
    return logs


def _normalised_exp(logs: FloatArray) -> FloatArray:
    """Weights summing to 1 from their logarithms (K x n), shifted first so that the largest cannot overflow."""
    weights = np.exp(logs - logs.max(axis=1, keepdims=True))
    normalised: FloatArray = weights / weights.sum(axis=1, keepdims=True)
    return normalised


def _balanced(stack: FloatArray, log_weights: FloatArray, locs: Sequence[Loc]) -> FloatArray:
    """D^-1 A D for D = diag(w), w the LLSM weights: a_ij w_j / w_i, all near 1 when the judgments agree.

    A similarity transform keeps the eigenvalues, and the eigenvector becomes A's divided by w. Without it,
    weights spanning many orders of magnitude (a chain of 9s over 30 items spans 9^29) leave the small ones
    to LAPACK's absolute rounding error, and a consistent matrix looks inconsistent. The entries are formed
    in log space (log 0 = -inf for Harker's zeros) so that no intermediate overflows.
    """
    with np.errstate(divide="ignore", over="ignore"):
        balanced = np.exp(np.log(stack) + log_weights[:, np.newaxis, :] - log_weights[:, :, np.newaxis])
    overflowed = np.flatnonzero(~np.isfinite(balanced).all(axis=(1, 2))).tolist()
    _raise_if([_too_wide(locs[k]) for k in overflowed], "the judgments span too wide a range")
    return balanced


def _completed(stack: FloatArray, missing: BoolArray, weights: FloatArray, locs: Sequence[Loc]) -> FloatArray:
    """The matrices with every missing judgment replaced by its consistent value w_i / w_j."""
    # Weights that underflow make infinite ratios; they are reported rather than passed on.
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratios = weights[:, :, np.newaxis] / weights[:, np.newaxis, :]
    completed: FloatArray = np.where(missing, ratios, stack)
    unusable = ~(np.isfinite(completed).all(axis=(1, 2)) & (weights > 0).all(axis=1))
    _raise_if([_too_wide(locs[k]) for k in np.flatnonzero(unusable).tolist()], "the judgments span too wide a range")
    return completed


def _too_wide(loc: Loc) -> dict[str, Any]:
    return _error(loc, "the judgments span too wide a range to derive priorities in floating point")


def _principal(balanced: FloatArray, log_weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Perron eigenvalue and normalised eigenvector of K non-negative irreducible matrices A.

    `balanced` is D^-1 A D with D = diag(exp(log_weights)) (see `_balanced`); A's eigenvector is D times its.
    """
    values, vectors = np.linalg.eig(balanced)
    best = np.argmax(values.real, axis=1)
    rows = np.arange(balanced.shape[0])
    # The Perron vector has a single sign; abs() undoes whichever sign LAPACK returned.
    vector = np.abs(vectors.real[rows, :, best])
    with np.errstate(divide="ignore"):
        return values.real[rows, best], _normalised_exp(np.log(vector) + log_weights)


def _reached_from_first(given: BoolArray) -> BoolArray:
    """(K, n) mask of the items linked to item 0 through chains of given judgments."""
    n = given.shape[-1]
    reach = (given | np.eye(n, dtype=bool)).astype(np.float64)
    # Each squaring doubles the path length covered; ceil(log2 n) squarings cover paths of n - 1 steps.
    for _ in range(math.ceil(math.log2(n)) if n > 1 else 0):
        reach = (reach @ reach > 0).astype(np.float64)
    return reach[:, 0, :] > 0


def _consistency(lambda_max: FloatArray, n: int, ri: float) -> tuple[FloatArray, FloatArray]:
    """Consistency index and ratio; both 0 for n <= 2, where every reciprocal matrix is consistent."""
    if n <= 2:
        zeros = np.zeros_like(lambda_max)
        return zeros, zeros
    ci = (lambda_max - n) / (n - 1)
    # A consistency index is never negative: rounding below 0, and -0.0, become 0.0 (so a file never shows "-0.0").
    ci = np.where(ci > 0, ci, 0.0)
    return ci, ci / ri


def _worst_judgments(matrix: FloatArray, weights: FloatArray) -> list[tuple[int, int, float, float]]:
    """(row, col, value, w_row / w_col) of the given upper-triangle judgments that depart most from the
    priorities, worst first.

    The measure is |ln eps_ij| with Saaty's eps_ij = a_ij w_j / w_i. For eigenvector priorities,
    lambda_max - n = (1/n) sum_{i<j} (eps_ij + 1/eps_ij - 2), a sum of terms increasing in |ln eps_ij|, so
    the ranking is by each judgment's share of the inconsistency; it is symmetric in a judgment and its
    reciprocal, and equally meaningful for geometric-mean priorities.
    """
    rows, cols = _upper_pairs(matrix.shape[0])
    given = ~np.isnan(matrix[rows, cols])
    rows, cols = rows[given], cols[given]
    values = matrix[rows, cols]
    suggested = weights[rows] / weights[cols]
    deviation = np.abs(np.log(values / suggested))
    worst = np.argsort(-deviation, kind="stable")[:MAX_INCONSISTENCIES]
    return [
        (int(rows[k]), int(cols[k]), float(values[k]), float(suggested[k]))
        for k in worst
        if deviation[k] > CONSISTENT_DEVIATION
    ]


def _aggregate_judgments(stack: FloatArray, importance: FloatArray) -> FloatArray:
    """Entry-wise weighted geometric mean over the experts who gave each judgment; NaN where nobody did."""
    given = ~np.isnan(stack)
    logs = np.log(np.where(given, stack, 1.0))
    total = np.einsum("k,kij->ij", importance, given)
    log_mean = np.einsum("k,kij->ij", importance, logs) / np.where(total > 0, total, 1.0)
    return np.where(total > 0, np.exp(log_mean), np.nan)


def _checked_panel(judgments: Sequence[ExpertJudgment]) -> tuple[list[FloatArray], FloatArray]:
    """The experts' validated matrices and their weights normalised to sum 1."""
    errors: list[dict[str, Any]] = []
    first_seen: dict[str, int] = {}
    matrices: list[FloatArray] = []
    for k, judgment in enumerate(judgments):
        loc: Loc = ("judgments", k)
        if not judgment.expert.strip():
            errors.append(_error((*loc, "expert"), "an expert needs a name"))
        elif judgment.expert in first_seen:
            msg = f"expert {judgment.expert!r} already gave judgments at position {first_seen[judgment.expert]}"
            errors.append(_error((*loc, "expert"), msg))
        else:
            first_seen[judgment.expert] = k
        if not (math.isfinite(judgment.weight) and judgment.weight > 0):
            errors.append(_error((*loc, "weight"), f"a weight must be positive and finite, got {judgment.weight}"))
        try:
            matrix = _checked_matrix(judgment.matrix, (*loc, "matrix"))
        except InvalidInput as exc:
            errors.extend(exc.errors)
            continue
        if matrices and matrix.shape != matrices[0].shape:
            size, other = matrices[0].shape[0], matrix.shape[0]
            msg = f"every expert must compare the same {size} items; this matrix is {other} x {other}"
            errors.append(_error((*loc, "matrix"), msg))
        matrices.append(matrix)
    _raise_if(errors, "the group's judgments are not valid")
    importance = np.array([judgment.weight for judgment in judgments], dtype=np.float64)
    return matrices, importance / importance.sum()


def _local_weights(
    node: HierarchyNode,
    loc: Loc,
    method: PriorityMethod,
    ri_table: str,
    cr_threshold: float,
    completion: Completion,
    errors: list[dict[str, Any]],
) -> tuple[FloatArray, float, bool]:
    """Local weights of a node's children, its CR and consistency; problems go to `errors`."""
    count = len(node.children)
    # Stands in for the weights when the node is invalid, so the walk can go on collecting errors.
    placeholder = (np.full(count, 1.0 / count), 0.0, True)
    if (node.matrix is None) == (node.weights is None):
        msg = (
            "give either a matrix or weights, not both"
            if node.matrix is not None
            else "a node with children needs a matrix or weights to weigh them"
        )
        errors.append(_error((*loc, "matrix"), msg))
        return placeholder
    if node.matrix is not None:
        matrix = np.asarray(node.matrix, dtype=np.float64)
        if matrix.shape != (count, count):
            msg = f"{node.name!r} has {count} children, so its matrix must be {count} x {count}, not {matrix.shape}"
            errors.append(_error((*loc, "matrix"), msg))
            return placeholder
        try:
            result = _priorities(matrix, method, ri_table, cr_threshold, (*loc, "matrix"), completion, explained=False)
        except InvalidInput as exc:
            errors.extend(exc.errors)
            return placeholder
        return result.weights, result.cr, result.consistent
    weights = np.asarray(node.weights, dtype=np.float64)
    if weights.shape != (count,):
        msg = f"{node.name!r} has {count} children, so it needs {count} weights, not shape {weights.shape}"
        errors.append(_error((*loc, "weights"), msg))
        return placeholder
    invalid = ~(np.isfinite(weights) & (weights >= 0))
    for k in np.flatnonzero(invalid):
        errors.append(_error((*loc, "weights", int(k)), "a weight must be non-negative and finite"))
    total = float(weights.sum()) if not invalid.any() else 0.0
    if not invalid.any() and not (math.isfinite(total) and total > 0):
        errors.append(_error((*loc, "weights"), "the weights must have a positive, finite sum"))
    if invalid.any() or not (math.isfinite(total) and total > 0):
        return placeholder
    return weights / total, 0.0, True


def _checked_matrix(matrix: FloatArray, loc: Loc) -> FloatArray:
    """A copy of an n x n array (NaN = missing) validated as `to_matrix` does, made exactly reciprocal."""
    array = np.asarray(matrix, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        _fail(loc, f"a comparison matrix must be square with at least one row, got shape {array.shape}")
    _raise_if(_structure_errors(array, loc), "the comparison matrix is not valid")
    return _reciprocal_from_upper(array)


_structure_errors = pairwise.structure_errors
_reciprocal_from_upper = pairwise.reciprocal_from_upper
_upper_pairs = pairwise.upper_pairs


def _check_choice(value: str, allowed: tuple[str, ...], loc: Loc) -> None:
    if value not in allowed:
        _fail(loc, f"unknown value {value!r}; choose one of {', '.join(allowed)}")


def _check_settings(*, method: str, completion: str, cr_threshold: float) -> None:
    _check_choice(method, METHODS, ("method",))
    _check_choice(completion, COMPLETIONS, ("completion",))
    _check_threshold(cr_threshold)


def _check_threshold(cr_threshold: float) -> None:
    if not (math.isfinite(cr_threshold) and cr_threshold >= 0):
        _fail(("cr_threshold",), f"the consistency threshold must be a non-negative number, got {cr_threshold}")


def _error(loc: Loc, msg: str) -> dict[str, Any]:
    return {"loc": list(loc), "msg": msg}


def _fail(loc: Loc, msg: str) -> NoReturn:
    raise InvalidInput(msg, errors=[_error(loc, msg)])


def _raise_if(errors: list[dict[str, Any]], detail: str) -> None:
    if errors:
        raise InvalidInput(detail, errors=errors)


def batch_priorities(stack: FloatArray, method: str = "eigenvector") -> FloatArray:
    """Priorities (K x n) of K reciprocal n x n matrices at once, NaN for a missing judgment (Harker / LLSM).

    For Monte Carlo over a panel, where each run aggregates another multiset of experts: one batched solve
    instead of K calls of `priorities`, and the principal eigenvector by power iteration on the balanced
    matrices (their entries are near 1, so it converges in a few steps; LAPACK takes the rest). The matrices
    are taken as they are (no validation).
    """
    _check_choice(method, METHODS, ("method",))
    locs = [("matrix",)] * stack.shape[0]
    missing = np.isnan(stack)
    # Complete matrices: the LLSM solution is the row mean of the logarithms.
    log_weights = _logarithmic_least_squares(stack, missing) if missing.any() else np.log(stack).mean(axis=2)
    if method != "eigenvector":
        return _normalised_exp(log_weights)
    balanced = _balanced(_harker(stack, missing), log_weights, locs)
    vector = np.full(log_weights.shape, 1.0 / log_weights.shape[1])
    converged = np.zeros(len(vector), dtype=bool)
    for _ in range(_POWER_STEPS):
        step = np.einsum("kij,kj->ki", balanced, vector)
        step /= step.sum(axis=1, keepdims=True)
        converged = np.abs(step - vector).max(axis=1) < _POWER_TOLERANCE
        vector = step
        if converged.all():
            break
    if not converged.all():
        slow = np.flatnonzero(~converged)
        _, weights = _principal(balanced[slow], log_weights[slow])
        vector[slow] = np.exp(np.log(weights) - log_weights[slow])
    with np.errstate(divide="ignore"):
        return _normalised_exp(np.log(vector) + log_weights)


_POWER_STEPS = 60
_POWER_TOLERANCE = 1e-13
