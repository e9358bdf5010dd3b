"""The plan engine against brute force: on random small problems no plan is smaller or, at its size, cheaper."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from services.scoring.engine.plans import Candidates, candidates, fewest_changes, score_row

M = 6


def closeness(rows: np.ndarray, weights: np.ndarray, method: str) -> np.ndarray:
    """Fixed-reference TOPSIS or weighted sum on a 0–1 range per indicator, written out here."""
    w = weights / weights.sum()
    if method == "wsm":
        return np.asarray(rows @ w)
    plus = np.sqrt(((w * (1 - rows)) ** 2).sum(axis=1))
    minus = np.sqrt(((w * rows) ** 2).sum(axis=1))
    return np.asarray(minus / (plus + minus))


def problem(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A cluster's row, five peers' rows and weights, all on [0, 1] benefit indicators."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 0.6, M), rng.uniform(0, 1, (5, M)), rng.dirichlet(np.ones(M))


def options_of(row: np.ndarray, peers: np.ndarray) -> list[Candidates]:
    return candidates(
        row,
        peers,
        np.ones(peers.shape, dtype=bool),
        np.arange(peers.shape[0]),
        np.ones(M, dtype=np.int64),
        np.zeros(M),
        np.ones(M),
    )


@pytest.mark.parametrize("method", ["topsis", "wsm"])
@pytest.mark.parametrize("seed", range(25))
def test_the_plan_is_the_smallest_then_the_cheapest(seed: int, method: str) -> None:
    row, peers, weights = problem(seed)
    current = closeness(row[np.newaxis, :], weights, method)[0]
    best = closeness(np.maximum(row, peers.max(axis=0))[np.newaxis, :], weights, method)[0]
    threshold = current + (best - current) * np.random.default_rng(seed).uniform(0.2, 1.1)
    options = options_of(row, peers)
    plan = fewest_changes(
        row=row,
        options=options,
        weights=weights,
        types=np.ones(M, dtype=np.int64),
        lower=np.zeros(M),
        upper=np.ones(M),
        method=method,
        threshold=threshold,
    )
    # Every single change a peer allows, and every plan of up to M of them, by brute force.
    moves = [(j, float(v), abs(float(v) - row[j])) for j in range(M) for v in peers[:, j] if v > row[j]]
    smallest: tuple[int, float] | None = None
    for size in range(M + 1):
        for combo in itertools.combinations(moves, size):
            if len({j for j, _, _ in combo}) < size:
                continue
            changed = row.copy()
            for j, v, _ in combo:
                changed[j] = v
            if closeness(changed[np.newaxis, :], weights, method)[0] >= threshold:
                effort = sum(e for _, _, e in combo)
                if smallest is None or effort < smallest[1]:
                    smallest = (size, effort)
        if smallest is not None:
            break
    if smallest is None:
        assert plan.reachable is False
        assert plan.changes == ()
        return
    assert plan.reachable
    assert len(plan.changes) == smallest[0]
    assert plan.effort == pytest.approx(smallest[1], abs=1e-12)
    changed = row.copy()
    for change in plan.changes:
        assert change.value_to == peers[change.peer, change.indicator]
        assert change.value_to > change.value_from
        changed[change.indicator] = change.value_to
    assert plan.score == pytest.approx(closeness(changed[np.newaxis, :], weights, method)[0], abs=1e-14)
    assert plan.score >= threshold


def test_candidates_are_improvements_least_effort_first_without_dominated_ones() -> None:
    row = np.array([0.5, 0.5])
    peers = np.array([[0.7, 0.2], [0.9, 0.4], [1.4, 0.1], [1.2, 0.6]])
    options = candidates(
        row, peers, np.array([[True, True], [True, True], [True, True], [False, True]]), np.arange(4),
        np.array([1, -1]), np.zeros(2), np.ones(2),
    )  # fmt: skip
    first, second = options
    # Benefit: 0.7 and 0.9 improve; 1.4 is clipped to 1, kept as the way to the top; 1.2 is imputed, never a peer's.
    assert first.values.tolist() == [0.7, 0.9, 1.4]
    assert first.efforts.tolist() == pytest.approx([0.2, 0.4, 0.9])
    # Cost: lower is better, so 0.4, 0.2 and 0.1 improve on 0.5; 0.6 does not.
    assert second.values.tolist() == [0.4, 0.2, 0.1]
    assert second.peers.tolist() == [1, 0, 2]


def test_a_met_threshold_needs_nothing_and_an_impossible_one_is_unreachable() -> None:
    row, peers, weights = problem(3)
    options = options_of(row, peers)
    kwargs = {"row": row, "options": options, "weights": weights, "types": np.ones(M, dtype=np.int64),
              "lower": np.zeros(M), "upper": np.ones(M), "method": "topsis"}  # fmt: skip
    current = score_row(row, weights, np.ones(M, dtype=np.int64), np.zeros(M), np.ones(M), "topsis")
    met = fewest_changes(threshold=current, **kwargs)  # type: ignore[arg-type]
    assert (met.reachable, met.changes, met.score) == (True, (), current)
    impossible = fewest_changes(threshold=met.best_score + 1e-6, **kwargs)  # type: ignore[arg-type]
    assert (impossible.reachable, impossible.changes) == (False, ())
    assert fewest_changes(threshold=1.5, **kwargs).reachable is False  # type: ignore[arg-type]
