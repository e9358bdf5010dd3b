"""Plans on a fixed-reference model: the fewest indicator changes, each to a value a peer reached, that lift a score.

On the fixed reference a cluster's score depends on its own scaled values `r` only, and every target of a plan
(a rank, a tier, a place in the category's top quartile) comes down to a score to reach, `threshold`. For TOPSIS,
closeness = D- / (D+ + D-) ≥ t with t in (0, 1] is (1 - t) D- ≥ t D+, and both sides being non-negative,
(1 - t)² Σ w_j² r_j² ≥ t² Σ w_j² (1 - r_j)²: a sum of one increasing term per indicator,

    Σ_j g_j(r_j) ≥ 0,   g_j(r) = w_j² ((1 - t)² r² - t² (1 - r)²),

and for the weighted sum Σ_j w_j r_j ≥ t. A change of indicator j to a candidate value adds the gain
g_j(new) - g_j(old) to the left-hand side, whatever else changes. Hence, exactly:

- the fewest changes: a set of k changes reaches the threshold iff its gains cover the deficit; the k largest
  per-indicator gains (each indicator at its best candidate) cover the most, so the smallest k whose largest gains
  cover it is the minimum, and no set of k - 1 changes can reach the threshold;
- the least effort among plans of that size: a small integer programme over (indicator, candidate) pairs, at most
  one per indicator, at most k of them, gains covering the deficit, minimising the summed normalised effort;
  solved by HiGHS with a zero optimality gap, its solution re-scored here and tightened if rounding let it fall short.

Plain NumPy and SciPy; no HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from services.scoring.engine.mcda import BoolArray, FloatArray, IntArray
from services.scoring.engine.ranking_model import fixed_scores

# The integer programme's feasibility tolerance is about 1e-7 of a constraint scaled to 1: a solution re-scored
# short of the threshold is solved again with this much more asked of it, a few times at most.
_MARGINS = (0.0, 1e-6, 1e-4)


@dataclass(frozen=True)
class Candidates:
    """Improvements of one indicator: values peers reached, better than the cluster's (least effort first).

    Only Pareto-efficient candidates are kept: each is better (scaled) than every cheaper one, so a value beyond
    the reference range, scored as its end, is kept only as the cheapest way to reach that end.
    """

    indicator: int
    values: FloatArray
    scaled: FloatArray
    peers: IntArray
    efforts: FloatArray


@dataclass(frozen=True)
class Change:
    indicator: int
    value_from: float
    value_to: float
    peer: int
    """Row of the peer that reached `value_to`."""
    effort: float
    """|to - from| / (upper - lower): the change as a share of the indicator's reference range."""


@dataclass(frozen=True)
class Plan:
    reachable: bool
    changes: tuple[Change, ...]
    score: float
    """The cluster's score with the changes, re-scored (its current score when unreachable or already there)."""
    best_score: float
    """Its score with every indicator at the best value a peer reached: the most any plan can give."""
    least_effort_proven: bool = True
    """False when the integer programme stopped at its time limit: the size is still the minimum, the effort the
    least found."""

    @property
    def effort(self) -> float:
        return float(sum(c.effort for c in self.changes))


def scale(values: FloatArray, types: IntArray, lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Values scaled to their reference ranges after clipping, 1 = the good end (as RankingModel.scaled)."""
    scaled = (np.clip(values, lower, upper) - lower) / (upper - lower)
    return np.asarray(np.where(types < 0, 1.0 - scaled, scaled), dtype=np.float64)


def score_row(
    row: FloatArray, weights: FloatArray, types: IntArray, lower: FloatArray, upper: FloatArray, method: str
) -> float:
    """The fixed-reference score of one row of values, with the model's own scoring function."""
    scaled = scale(row, types, lower, upper)
    return float(fixed_scores(scaled[np.newaxis, :], weights[np.newaxis, :], method)[0, 0])


def candidates(
    row: FloatArray,
    peer_values: FloatArray,
    peer_observed: BoolArray,
    peer_rows: IntArray,
    types: IntArray,
    lower: FloatArray,
    upper: FloatArray,
) -> list[Candidates]:
    """Per indicator, the values peers observed that are better than `row`'s, Pareto-efficient in effort.

    `peer_values` (p x m) are the peers' values, `peer_observed` marks those actually observed (an imputed value is
    nobody's achievement), `peer_rows` their rows in the model; among peers with the same value the first listed
    is named, so the caller lists them in the order it wants them named (best first, say).
    """
    own = scale(row, types, lower, upper)
    scaled = scale(peer_values, types, lower, upper)
    span = upper - lower
    out = []
    for j in range(row.size):
        keep = np.flatnonzero(peer_observed[:, j] & (scaled[:, j] > own[j]))
        if keep.size == 0:
            continue
        efforts = np.abs(peer_values[keep, j] - row[j]) / span[j]
        # Least effort first, then better; the stable sort keeps the caller's order among equal values.
        order = np.lexsort((-scaled[keep, j], efforts))
        chosen: list[int] = []
        best = own[j]
        for k in order:
            if scaled[keep[k], j] > best:
                chosen.append(int(k))
                best = scaled[keep[k], j]
        picked = keep[chosen]
        out.append(
            Candidates(
                indicator=j,
                values=peer_values[picked, j].copy(),
                scaled=scaled[picked, j].copy(),
                peers=peer_rows[picked].copy(),
                efforts=efforts[chosen].copy(),
            )
        )
    return out


def _contribution(scaled: FloatArray, weight: FloatArray, threshold: float, method: str) -> FloatArray:
    """Each indicator's term of the separable form of `score ≥ threshold` (module docstring)."""
    if method == "wsm":
        return np.asarray(weight * scaled, dtype=np.float64)
    t = threshold
    return np.asarray(np.square(weight) * ((1 - t) ** 2 * np.square(scaled) - t**2 * np.square(1 - scaled)))


def fewest_changes(
    *,
    row: FloatArray,
    options: list[Candidates],
    weights: FloatArray,
    types: IntArray,
    lower: FloatArray,
    upper: FloatArray,
    method: str,
    threshold: float,
) -> Plan:
    """The smallest set of changes (then the least total effort) that lifts `row`'s score to `threshold`.

    Each change sets one indicator to one of its candidates; the plan is re-scored with the model's scoring
    function. `reachable` is False (and there are no changes) when not even every best candidate together reaches
    the threshold. The caller decides whether the threshold is met already; here a row at or above it needs no
    change.
    """
    w = weights / weights.sum()
    current = score_row(row, weights, types, lower, upper, method)
    best_row = row.copy()
    for option in options:
        best_row[option.indicator] = option.values[-1]
    best = score_row(best_row, weights, types, lower, upper, method)
    if current >= threshold:
        return Plan(reachable=True, changes=(), score=current, best_score=best)
    if threshold > 1.0 or best < threshold:
        return Plan(reachable=False, changes=(), score=current, best_score=best)

    own = scale(row, types, lower, upper)
    base = _contribution(own, w, threshold, method)
    deficit = (threshold if method == "wsm" else 0.0) - float(base.sum())
    pairs: list[tuple[int, int]] = []
    gains: list[float] = []
    efforts: list[float] = []
    for o, option in enumerate(options):
        j = option.indicator
        gain = _contribution(option.scaled, np.full(option.scaled.size, w[j]), threshold, method) - base[j]
        for c in np.flatnonzero(gain > 0):
            pairs.append((o, int(c)))
            gains.append(float(gain[c]))
            efforts.append(float(option.efforts[c]))
    if not pairs:
        return Plan(reachable=False, changes=(), score=current, best_score=best)
    gain_array, effort_array = np.array(gains), np.array(efforts)
    # Below the threshold by the engine's score yet at it by the separable form: rounding at the very edge, where
    # any one improvement crosses it; asking for a sliver of the smallest gain keeps the programme well scaled.
    deficit = max(deficit, 1e-9 * float(gain_array.min()))
    indicator_of = np.array([options[o].indicator for o, _ in pairs])
    largest = np.zeros(len(options))
    np.maximum.at(largest, np.array([o for o, _ in pairs]), gain_array)
    cumulative = np.cumsum(np.sort(largest)[::-1])
    covering = np.flatnonzero(cumulative >= deficit)
    # The best candidates together re-score at or above the threshold (checked above), so a size exists; rounding
    # of the separable form at the very edge is the only way `covering` can be empty, and then all are needed.
    size = int(covering[0]) + 1 if covering.size else int(np.count_nonzero(largest > 0))
    # A pair can be part of a plan of `size` changes only if, with the `size - 1` largest gains of the other
    # indicators, it covers the deficit: the others are left out of the programme, which stays exact and small.
    # Only an indicator strictly above the (size - 1)-th largest gain is surely among them (ties keep the sum).
    own = largest[np.array([o for o, _ in pairs])]
    ordered = np.sort(largest)[::-1]
    top_rest = float(ordered[: size - 1].sum())
    nth = float(ordered[size - 1]) if size - 1 < ordered.size else 0.0
    bound = float(ordered[size - 2]) if size >= 2 else np.inf
    rest = np.where(own > bound, top_rest - own + nth, top_rest)
    usable = np.flatnonzero(gain_array + rest >= deficit * (1 - 1e-9))
    for margin in _MARGINS:
        solved = _least_effort(
            gain_array[usable] / deficit, effort_array[usable], indicator_of[usable], size, 1.0 + margin
        )
        if solved is None:
            continue
        picked, proven = [int(usable[p]) for p in solved[0]], solved[1]
        changes = tuple(
            sorted(
                (
                    Change(
                        indicator=options[pairs[p][0]].indicator,
                        value_from=float(row[options[pairs[p][0]].indicator]),
                        value_to=float(options[pairs[p][0]].values[pairs[p][1]]),
                        peer=int(options[pairs[p][0]].peers[pairs[p][1]]),
                        effort=float(options[pairs[p][0]].efforts[pairs[p][1]]),
                    )
                    for p in picked
                ),
                key=lambda change: change.indicator,
            )
        )
        changed = row.copy()
        for change in changes:
            changed[change.indicator] = change.value_to
        reached = score_row(changed, weights, types, lower, upper, method)
        if reached >= threshold:
            return Plan(reachable=True, changes=changes, score=reached, best_score=best, least_effort_proven=proven)
    # Never seen: the best candidates of the `size` indicators with the largest gains reach it by construction.
    top = np.argsort(-largest, kind="stable")[:size]
    changes = tuple(
        Change(
            indicator=options[o].indicator,
            value_from=float(row[options[o].indicator]),
            value_to=float(options[o].values[-1]),
            peer=int(options[o].peers[-1]),
            effort=float(options[o].efforts[-1]),
        )
        for o in sorted(top, key=lambda o: options[o].indicator)
    )
    changed = row.copy()
    for change in changes:
        changed[change.indicator] = change.value_to
    reached = score_row(changed, weights, types, lower, upper, method)
    return Plan(
        reachable=reached >= threshold, changes=changes, score=reached, best_score=best, least_effort_proven=False
    )


def _least_effort(
    gains: FloatArray, efforts: FloatArray, indicator_of: IntArray, size: int, needed: float
) -> tuple[list[int], bool] | None:
    """Indices of the (indicator, candidate) pairs of least total effort: at most one per indicator, at most
    `size` pairs, gains summing to at least `needed`, and whether it is proven optimal (False: the best HiGHS found
    within its time limit); None when there is no such choice. One or two changes are enumerated outright."""
    if size <= 2:
        return _enumerated(gains, efforts, indicator_of, size, needed)
    n = gains.size
    indicators = np.unique(indicator_of)
    one_per_indicator = (indicator_of[np.newaxis, :] == indicators[:, np.newaxis]).astype(np.float64)
    constraints = [
        LinearConstraint(one_per_indicator, 0, 1),
        LinearConstraint(np.ones((1, n)), 0, size),
        LinearConstraint(gains[np.newaxis, :], needed, np.inf),
    ]
    result = milp(
        c=efforts,
        constraints=constraints,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0, "time_limit": 5.0},
    )
    if result.x is None:
        return None
    return [int(p) for p in np.flatnonzero(result.x > 0.5)], bool(result.status == 0)


def _enumerated(
    gains: FloatArray, efforts: FloatArray, indicator_of: IntArray, size: int, needed: float
) -> tuple[list[int], bool] | None:
    """`_least_effort` for one or two changes, by trying every single pair and every two (of two indicators)."""
    best: tuple[float, list[int]] | None = None
    single = np.flatnonzero(gains >= needed)
    if single.size:
        k = int(single[np.argmin(efforts[single])])
        best = (float(efforts[k]), [k])
    if size == 2:
        total_gain = gains[:, np.newaxis] + gains[np.newaxis, :]
        total_effort = efforts[:, np.newaxis] + efforts[np.newaxis, :]
        upper = np.triu(np.ones(total_gain.shape, dtype=bool), k=1)
        ok = upper & (total_gain >= needed) & (indicator_of[:, np.newaxis] != indicator_of[np.newaxis, :])
        if ok.any():
            flat = int(np.argmin(np.where(ok, total_effort, np.inf)))
            a, b = divmod(flat, gains.size)
            if best is None or float(total_effort[a, b]) < best[0]:
                best = (float(total_effort[a, b]), [a, b])
    return None if best is None else (best[1], True)
