"""Uncertainty of a published ranking: Monte Carlo over its uncertain choices, rank intervals and Sobol indices.

Each source of uncertainty is a group of uniform inputs on [0, 1) turned into one of the model's choices:

- `weights`: the criterion weights, from Dirichlet(concentration * weights) by the inverse gamma CDF;
- `panel`: the panel's experts drawn with replacement (one uniform per draw), their judgments re-aggregated
  as the profile aggregated them, giving criterion and local weights;
- `imputation`: for each missing value a rule among the category median, the category mean, the mean of the
  3 nearest category peers and the cluster's last observed value;
- `method`: a method among those that take the model's reference.

The runs follow Saltelli's design (matrices A and B of independent draws, and for each source the matrix A
with that source's columns taken from B), so every run is a draw of the whole model, and SALib's estimators
give each source's first-order and total-effect index of every cluster's rank; they are averaged over the
clusters weighted by their rank variance.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from SALib.analyze.sobol import first_order, total_order
from scipy.special import gammaincinv

from services.scoring.engine.ahp import batch_priorities
from services.scoring.engine.mcda import METHODS, FloatArray, IntArray, invalid
from services.scoring.engine.ranking_model import (
    FIXED_REFERENCE_METHODS,
    RankingModel,
    fixed_scores_with_cells,
    rank_shares,
)
from shared.errors import InvalidInput

IMPUTATION_RULES: tuple[str, ...] = ("category_median", "category_mean", "nearest_peers", "last_observed")
NEAREST_PEERS = 3
MAX_UNVECTORISED_RUNS = 5_000
"""Runs of a method scored one pymcdm call at a time (everything but TOPSIS and the fixed-reference forms)."""
INDEX_DECIMALS = 6
GOAL = "goal"


@dataclass(frozen=True)
class PanelWeights:
    """Turns counts of drawn experts (S x E) into criterion weights (S x C) and local weights (S x m)."""

    experts: int
    aggregate: Callable[[FloatArray], tuple[FloatArray, FloatArray]]


@dataclass(frozen=True)
class Imputations:
    """The missing cells (row, column) and each rule's value for each of them (cells x rules), unscaled."""

    cells: list[tuple[int, int]]
    candidates: FloatArray


@dataclass(frozen=True)
class Uncertainty:
    """Rank intervals of the scoped clusters and the Sobol indices of each source."""

    runs: int
    base_samples: int
    median_rank: IntArray
    rank_p05: IntArray
    rank_p95: IntArray
    by_rank: FloatArray
    first_order: dict[str, float]
    total: dict[str, float]
    notes: list[str]


def methods_for(model: RankingModel) -> tuple[tuple[str, ...], list[str]]:
    """The methods the `method` source draws from: those with a form on the model's reference that can score
    its matrix (a method that needs positive values cannot take a zero), and notes on the ones left out."""
    if model.reference == "fixed":
        return FIXED_REFERENCE_METHODS, []
    usable, notes = [], []
    weights = model.global_weights(model.criterion_weights[np.newaxis, :])
    for method in METHODS:
        try:
            model.scores(weights, method=method)
        except InvalidInput as exc:
            notes.append(f"method: {method} left out ({exc.detail})")
            continue
        usable.append(method)
    return tuple(usable), notes


def imputation_candidates(model: RankingModel, raw: FloatArray, previous: dict[tuple[str, str], float]) -> Imputations:
    """Each rule's value for every missing cell of the year; the median is the ranking's own choice.

    `raw` is the year's matrix with NaN where missing; `previous[(cluster, indicator)]` the last observed value
    of an earlier year. A rule that has nothing to go on (no peer, no earlier value) falls back to the median.
    """
    categories = np.asarray(model.categories)
    scaled = model.scaled()  # the imputed matrix on the reference scale, for the distances between clusters
    cells = [(int(i), int(j)) for i, j in np.argwhere(model.missing)]
    candidates = np.empty((len(cells), len(IMPUTATION_RULES)))
    for k, (i, j) in enumerate(cells):
        peers = np.flatnonzero((categories == categories[i]) & ~np.isnan(raw[:, j]))
        if peers.size == 0:
            peers = np.flatnonzero(~np.isnan(raw[:, j]))
        median = model.values[i, j]
        mean = float(np.mean(raw[peers, j])) if peers.size else median
        if peers.size:
            distance = np.sqrt(np.square(scaled[peers] - scaled[i]).sum(axis=1))
            nearest = peers[np.argsort(distance, kind="stable")[:NEAREST_PEERS]]
            near = float(np.mean(raw[nearest, j]))
        else:
            near = median
        last = previous.get((model.codes[i], model.indicator_codes[j]), median)
        candidates[k] = (median, mean, near, last)
    return Imputations(cells, candidates)


def analyse(
    model: RankingModel,
    *,
    sources: Sequence[str],
    samples: int,
    seed: int,
    concentration: float,
    panel: PanelWeights | None,
    imputations: Imputations | None,
) -> Uncertainty:
    """Monte Carlo over `sources` in Saltelli's design with about `samples` runs in all."""
    groups = {
        "weights": model.criterion_weights.size,
        "panel": panel.experts if panel is not None else 0,
        "imputation": len(imputations.cells) if imputations is not None else 0,
        "method": 1,
    }
    dims = [groups[s] for s in sources]
    notes: list[str] = []
    methods: tuple[str, ...] = (model.method,)
    if "method" in sources:
        methods, notes = methods_for(model)
        notes.insert(0, f"method: drawn among {', '.join(methods)}")
    base = max(2, samples // (len(sources) + 2))
    rng = np.random.default_rng(seed)
    a = rng.random((base, sum(dims)))
    b = rng.random((base, sum(dims)))
    offsets = np.cumsum([0, *dims])
    blocks = [a]
    for g in range(len(sources)):
        mixed = a.copy()
        mixed[:, offsets[g] : offsets[g + 1]] = b[:, offsets[g] : offsets[g + 1]]
        blocks.append(mixed)
    blocks.append(b)
    inputs = np.concatenate(blocks)  # A, AB_1..AB_D, B: (D + 2) * base runs
    runs = inputs.shape[0]

    def part(source: str) -> FloatArray | None:
        if source not in sources:
            return None
        g = list(sources).index(source)
        return inputs[:, offsets[g] : offsets[g + 1]]

    criterion_weights = np.broadcast_to(model.criterion_weights, (runs, model.criterion_weights.size)).copy()
    local_weights: FloatArray | None = None
    if (u := part("weights")) is not None:
        criterion_weights = _dirichlet_from_uniforms(model.criterion_weights, concentration, u)
    if (u := part("panel")) is not None and panel is not None:
        counts = np.zeros((runs, panel.experts))
        drawn = np.minimum((u * panel.experts).astype(np.int64), panel.experts - 1)
        np.add.at(counts, (np.repeat(np.arange(runs), panel.experts), drawn.ravel()), 1.0)
        panel_criteria, local_weights = panel.aggregate(counts)
        if "weights" in sources:
            # Both sources: the panel's weights are the centre the Dirichlet draws vary around.
            criterion_weights = _dirichlet_from_uniforms(panel_criteria, concentration, part("weights"))
        else:
            criterion_weights = panel_criteria
    weights = model.global_weights(criterion_weights, local_weights)

    rule = np.zeros((runs, 0), dtype=np.int64)
    if (u := part("imputation")) is not None and imputations is not None:
        rule = np.minimum((u * len(IMPUTATION_RULES)).astype(np.int64), len(IMPUTATION_RULES) - 1)
    method_index = np.full(runs, methods.index(model.method) if model.method in methods else 0)
    if (u := part("method")) is not None:
        method_index = np.minimum((u[:, 0] * len(methods)).astype(np.int64), len(methods) - 1)

    ranks = np.empty((runs, int(model.scope.sum())), dtype=np.int64)
    for m_index in np.unique(method_index):
        method = methods[int(m_index)]
        rows = np.flatnonzero(method_index == m_index)
        ranks[rows] = _ranks_of(model, method, rows, weights, rule, imputations)

    y = ranks.astype(np.float64)  # runs in the order of the design: A, AB_1..AB_D, B
    a_y, b_y = y[:base], y[-base:]
    variance = y.var(axis=0)
    weight = variance / variance.sum() if variance.sum() > 0 else np.zeros_like(variance)
    first: dict[str, float] = {}
    total: dict[str, float] = {}
    for g, source in enumerate(sources):
        ab_y = y[(g + 1) * base : (g + 2) * base]
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SALib warns of a constant output; the indices are then 0
            s1 = np.nan_to_num(first_order(a_y, ab_y, b_y), nan=0.0, posinf=0.0, neginf=0.0)
            st = np.nan_to_num(total_order(a_y, ab_y, b_y), nan=0.0, posinf=0.0, neginf=0.0)
        first[source] = round(float(np.dot(weight, s1)), INDEX_DECIMALS) + 0.0
        total[source] = round(float(np.dot(weight, st)), INDEX_DECIMALS) + 0.0
    if variance.sum() == 0:
        notes.append("no cluster's rank varies across the runs: every index is 0")
    quantiles = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf").astype(np.int64)
    return Uncertainty(
        runs=runs,
        base_samples=base,
        median_rank=quantiles[1],
        rank_p05=quantiles[0],
        rank_p95=quantiles[2],
        by_rank=rank_shares(ranks),
        first_order=first,
        total=total,
        notes=notes,
    )


def _dirichlet_from_uniforms(centre: FloatArray, concentration: float, u: FloatArray | None) -> FloatArray:
    """Dirichlet(concentration * centre) draws from uniforms, one per criterion (gamma draws by inverse CDF).

    `centre` is one vector (C) or one per run (runs x C); criteria of weight 0 stay at 0.
    """
    assert u is not None
    alpha = concentration * np.broadcast_to(centre, u.shape)
    positive = alpha > 0
    clipped = np.clip(u, 1e-12, 1 - 1e-12)
    gamma = np.where(positive, gammaincinv(np.where(positive, alpha, 1.0), clipped), 0.0)
    total = gamma.sum(axis=1, keepdims=True)
    return np.asarray(np.where(total > 0, gamma / np.where(total > 0, total, 1.0), centre), dtype=np.float64)


def _ranks_of(
    model: RankingModel,
    method: str,
    rows: IntArray,
    weights: FloatArray,
    rule: IntArray,
    imputations: Imputations | None,
) -> IntArray:
    """Ranks of the runs `rows`, all scored with `method` (vectorised wherever the method allows it)."""
    w = weights[rows]
    has_cells = imputations is not None and rule.shape[1] > 0 and len(imputations.cells) > 0
    if model.reference == "fixed":
        if has_cells and method == "topsis":
            assert imputations is not None
            values = imputations.candidates[np.arange(len(imputations.cells)), rule[rows]]  # runs x cells
            lower = model.lower[[j for _, j in imputations.cells]]
            upper = model.upper[[j for _, j in imputations.cells]]
            types = model.types[[j for _, j in imputations.cells]]
            scaled_cells = (np.clip(values, lower, upper) - lower) / (upper - lower)
            scaled_cells = np.where(types < 0, 1.0 - scaled_cells, scaled_cells)
            scores = fixed_scores_with_cells(model.scaled(), w, imputations.cells, scaled_cells)
            return model.ranks(scores, method=method)
        if not has_cells:
            return model.ranks(model.scores(w, method=method), method=method)
    vectorised = method == "topsis" or model.reference == "fixed"
    if not vectorised and len(rows) > MAX_UNVECTORISED_RUNS:
        raise invalid(
            f"{method} is scored one run at a time (it has no vectorised form); {len(rows)} runs are more than "
            f"the limit of {MAX_UNVECTORISED_RUNS}: ask for fewer samples or leave `method` out of the sources",
            ["samples"],
        )
    if not has_cells:
        return model.ranks(model.scores(w, method=method), method=method)
    assert imputations is not None
    # Runs that impute alike share one matrix: each distinct imputation is prepared once, its runs scored at once.
    out = np.empty((len(rows), int(model.scope.sum())), dtype=np.int64)
    combos, which = np.unique(rule[rows], axis=0, return_inverse=True)
    if not vectorised and len(combos) > MAX_UNVECTORISED_RUNS:
        raise invalid(f"more than {MAX_UNVECTORISED_RUNS} distinct imputations to score", ["samples"])
    for c, combo in enumerate(combos):
        values = model.values.copy()
        for k, (i, j) in enumerate(imputations.cells):
            values[i, j] = imputations.candidates[k, combo[k]]
        members = np.flatnonzero(which.ravel() == c)
        out[members] = model.ranks(model.scores(w[members], method=method, values=values), method=method)
    return out


def check_sources(sources: Sequence[str], *, has_panel: bool) -> None:
    """422 for an unknown or repeated source, or `panel` without a panel behind the profile."""
    valid = ("weights", "panel", "imputation", "method")
    unknown = [s for s in sources if s not in valid]
    if unknown or not sources:
        raise invalid(f"unknown source(s) {unknown}; choose among {', '.join(valid)}", ["sources"])
    if len(set(sources)) != len(sources):
        raise invalid("each source may be named once", ["sources"])
    if "panel" in sources and not has_panel:
        raise invalid("the profile was not published from a panel, so `panel` cannot be a source", ["sources"])


def panel_weights(
    judgments: Sequence[dict[str, object]],
    *,
    criteria: Sequence[str],
    children: dict[str, list[str]],
    indicator_codes: Sequence[str],
    method: str,
    aggregation: str,
) -> PanelWeights:
    """The profile's aggregation of its panel's judgments, for any multiset of its experts at once.

    A run's experts are given as counts (S x E): an expert drawn twice counts twice, times the expert's own
    weight. `aij` takes the weighted geometric mean of the judgments of the experts who gave each one and the
    priorities of that matrix (eigenvector or geometric mean, as the profile); `aip` the weighted mean of each
    expert's own priorities. A node's weights with every expert's count at 1 are the profile's.
    """
    experts: list[str] = []
    for judgment in judgments:
        if judgment["expert"] not in experts:
            experts.append(str(judgment["expert"]))
    importance = np.ones(len(experts))
    for judgment in judgments:
        importance[experts.index(str(judgment["expert"]))] = float(judgment.get("weight", 1.0))  # type: ignore[arg-type]
    nodes = {GOAL: list(criteria), **{c: list(children[c]) for c in criteria}}
    logs: dict[str, FloatArray] = {}
    for node, items in nodes.items():
        n = len(items)
        stack = np.full((len(experts), n, n), np.nan)
        for judgment in judgments:
            if judgment["node"] != node:
                continue
            given = [str(code) for code in judgment["items"]]  # type: ignore[attr-defined]
            order = [given.index(code) for code in items]
            matrix = np.array(
                [[np.nan if v is None else float(v) for v in row] for row in judgment["matrix"]],  # type: ignore[attr-defined]
                dtype=np.float64,
            )
            stack[experts.index(str(judgment["expert"]))] = np.log(matrix[np.ix_(order, order)])
        logs[node] = stack
    column = {code: j for j, code in enumerate(indicator_codes)}
    own: dict[str, FloatArray] = {}
    if aggregation == "aip":
        for node, stack in logs.items():
            judged = ~np.isnan(stack).all(axis=(1, 2))
            priorities = np.full((len(experts), stack.shape[1]), np.nan)
            if judged.any() and stack.shape[1] > 1:
                priorities[judged] = batch_priorities(np.exp(stack[judged]), method)
            elif stack.shape[1] == 1:
                priorities[:] = 1.0
            own[node] = priorities

    def aggregate(counts: FloatArray) -> tuple[FloatArray, FloatArray]:
        effective = counts * importance
        weights_of: dict[str, FloatArray] = {}
        for node, stack in logs.items():
            n = stack.shape[1]
            if n == 1:
                weights_of[node] = np.ones((counts.shape[0], 1))
                continue
            if aggregation == "aip":
                priorities = own[node]
                given = ~np.isnan(priorities[:, 0])
                share = effective[:, given]
                total = share.sum(axis=1, keepdims=True)
                weights_of[node] = (share @ priorities[given]) / np.where(total > 0, total, 1.0)
                continue
            given = ~np.isnan(stack)
            numerator = np.einsum("se,eij->sij", effective, np.where(given, stack, 0.0))
            denominator = np.einsum("se,eij->sij", effective, given.astype(np.float64))
            with np.errstate(invalid="ignore", divide="ignore"):
                mean_log = np.where(denominator > 0, numerator / denominator, np.nan)
            diagonal = np.arange(n)
            mean_log[:, diagonal, diagonal] = 0.0
            weights_of[node] = batch_priorities(np.exp(mean_log), method)
        local = np.zeros((counts.shape[0], len(indicator_codes)))
        for c in criteria:
            for k, code in enumerate(children[c]):
                local[:, column[code]] = weights_of[c][:, k]
        return weights_of[GOAL], local

    return PanelWeights(experts=len(experts), aggregate=aggregate)
