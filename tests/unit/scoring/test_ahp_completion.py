"""The optimal completion of missing judgments (Bozóki, Fülöp and Rónyai 2010), against AHPy's published examples."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import get_args

import numpy as np
import pytest

from services.scoring.engine.ahp import ExpertJudgment, HierarchyNode, group, hierarchy, priorities
from shared.errors import InvalidInput
from shared.schemas.vocabulary import Completion

# AHPy (github.com/PhilipGriffith/AHPy), README "Missing Pairwise Comparisons" and tests/test_ahp.py
# `test_incomplete_example_*`: the example of Bozóki, Fülöp and Rónyai (2010) with (c, d) missing, and AHPy's answer.
# AHPy stops its cyclic coordinates once the values move less than 1e-4 between sweeps, so its completed values are
# only that close to the optimum (within about 2e-5 relative here); its weights and CR are given to 4 decimals.
BOZOKI_LABELS = "abcd"
BOZOKI_JUDGMENTS = {("a", "b"): 1, ("a", "c"): 5, ("a", "d"): 2, ("b", "c"): 3, ("b", "d"): 4}
BOZOKI_AHPY_COMPLETED = {("c", "d"): 0.730297106886979}
BOZOKI_AHPY_WEIGHTS = {"a": 0.3738, "b": 0.392, "c": 0.0985, "d": 0.1357}
BOZOKI_AHPY_CR = 0.0372  # with AHPy's default random index, Donegan and Dodd's

# AHPy tests/test_ahp.py `test_incomplete_housing_missing_comparisons`: 8 items, 16 judgments, 12 missing.
HOUSING_LABELS = "abcdefgh"
HOUSING_JUDGMENTS = {
    ("a", "b"): 5, ("a", "c"): 3, ("a", "d"): 7, ("a", "e"): 6, ("a", "f"): 6,
    ("b", "d"): 5, ("b", "f"): 3,
    ("c", "e"): 3, ("c", "g"): 6,
    ("f", "d"): 4,
    ("g", "a"): 3, ("g", "e"): 5,
    ("h", "a"): 4, ("h", "b"): 7, ("h", "d"): 8, ("h", "f"): 6,
}  # fmt: skip
HOUSING_AHPY_COMPLETED = {
    ("b", "c"): 0.3300187496240363, ("b", "e"): 1.7197409185349517, ("b", "g"): 0.4663515002203321,
    ("c", "d"): 9.920512661898753, ("c", "f"): 4.852486449214693, ("c", "h"): 0.5696073301509899,
    ("d", "e"): 0.5252768142894285, ("d", "g"): 0.1424438146531802, ("e", "f"): 0.9311973564754218,
    ("e", "h"): 0.10930828182051665, ("f", "g"): 0.2912120796181874, ("g", "h"): 0.4030898885178746,
}  # fmt: skip
AHPY_RELATIVE_TOLERANCE = 5e-5


def from_pairs(labels: str, judgments: dict[tuple[str, str], float]) -> np.ndarray:
    """A reciprocal matrix from AHPy-style comparisons {(x, y): how many times x over y}; NaN where none is given."""
    index = {label: k for k, label in enumerate(labels)}
    a = np.full((len(labels), len(labels)), np.nan)
    np.fill_diagonal(a, 1.0)
    for (x, y), value in judgments.items():
        a[index[x], index[y]], a[index[y], index[x]] = value, 1 / value
    return a


def perron_root(a: np.ndarray) -> float:
    return float(np.linalg.eigvals(a).real.max())


def test_bozoki_example_matches_ahpy() -> None:
    a = from_pairs(BOZOKI_LABELS, BOZOKI_JUDGMENTS)

    result = priorities(a, completion="optimal", ri_table="donegan_dodd")

    assert result.completed_matrix[2, 3] == pytest.approx(BOZOKI_AHPY_COMPLETED[("c", "d")], rel=2e-6)
    assert result.completed_matrix[3, 2] == pytest.approx(1 / result.completed_matrix[2, 3], rel=1e-12)
    assert result.weights == pytest.approx(list(BOZOKI_AHPY_WEIGHTS.values()), abs=5e-5)
    assert result.cr == pytest.approx(BOZOKI_AHPY_CR, abs=5e-5)
    assert result.lambda_max == pytest.approx(perron_root(result.completed_matrix), abs=1e-12)


def test_housing_example_matches_ahpy_and_is_at_least_as_good() -> None:
    a = from_pairs(HOUSING_LABELS, HOUSING_JUDGMENTS)
    index = {label: k for k, label in enumerate(HOUSING_LABELS)}
    ahpy = a.copy()
    for (x, y), value in HOUSING_AHPY_COMPLETED.items():
        ahpy[index[x], index[y]], ahpy[index[y], index[x]] = value, 1 / value

    result = priorities(a, completion="optimal")

    for (x, y), value in HOUSING_AHPY_COMPLETED.items():
        assert result.completed_matrix[index[x], index[y]] == pytest.approx(value, rel=AHPY_RELATIVE_TOLERANCE)
    # c over d is 9.92: the optimal completion is not held to the 1-9 scale.
    assert result.completed_matrix[index["c"], index["d"]] > 9
    assert perron_root(result.completed_matrix) <= perron_root(ahpy) + 1e-12


@pytest.mark.parametrize("seed", range(5))
def test_optimal_completion_is_a_minimum_no_worse_than_harkers(seed: int) -> None:
    rng = np.random.default_rng(seed)
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9]
    n = 6
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            # A chain of judgments keeps every item connected; a third of the other pairs are left out.
            value = np.nan if j > i + 1 and rng.random() < 1 / 3 else float(rng.choice(scale))
            a[i, j], a[j, i] = value, 1 / value
    gaps = list(zip(*np.nonzero(np.triu(np.isnan(a), 1)), strict=True))
    assert gaps

    optimal = priorities(a, completion="optimal")
    harker = priorities(a)

    assert optimal.lambda_max <= harker.lambda_max + 1e-12
    # Convexity makes a local minimum the global one: moving any filled judgment either way raises lambda_max.
    for i, j in gaps:
        for factor in (1 - 1e-4, 1 + 1e-4):
            moved = optimal.completed_matrix.copy()
            moved[i, j] *= factor
            moved[j, i] = 1 / moved[i, j]
            assert perron_root(moved) >= optimal.lambda_max - 1e-12


def test_a_spanning_tree_of_judgments_completes_consistently_either_way() -> None:
    a = from_pairs("xyz", {("x", "y"): 2, ("y", "z"): 3})

    optimal = priorities(a, completion="optimal")

    assert optimal.completed_matrix[0, 2] == pytest.approx(6.0, rel=1e-6)
    assert optimal.weights == pytest.approx(priorities(a).weights, abs=1e-9)
    assert optimal.cr < 1e-9
    assert optimal.inconsistencies == []


def test_the_optimal_completion_is_kept_within_the_judgments_the_engine_takes() -> None:
    # Only a[i][i+1] = 9 over 12 items: the consistent completion would put 9^11 = 3.1e10 at a[0][11].
    n = 12
    a = np.full((n, n), np.nan)
    np.fill_diagonal(a, 1.0)
    for i in range(n - 1):
        a[i, i + 1], a[i + 1, i] = 9.0, 1 / 9

    result = priorities(a, completion="optimal", ri_table="donegan_dodd")

    completed = result.completed_matrix
    assert np.isfinite(completed).all()
    assert completed.max() <= 1e9 * (1 + 1e-12)
    assert completed.min() >= 1e-9 * (1 - 1e-12)
    assert completed[0, 11] == pytest.approx(1e9, rel=1e-9)
    assert result.weights.sum() == pytest.approx(1.0)


def test_the_geometric_mean_always_uses_logarithmic_least_squares() -> None:
    a = from_pairs(BOZOKI_LABELS, BOZOKI_JUDGMENTS)

    results = [priorities(a, method="geometric_mean", completion=c) for c in get_args(Completion)]

    assert results[0].weights == pytest.approx(results[1].weights, abs=0)
    assert results[0].completed_matrix == pytest.approx(results[1].completed_matrix, abs=0)


def test_group_and_hierarchy_fill_missing_judgments_as_asked() -> None:
    incomplete = from_pairs(BOZOKI_LABELS, BOZOKI_JUDGMENTS)
    complete = from_pairs(BOZOKI_LABELS, {**BOZOKI_JUDGMENTS, ("c", "d"): 1 / 2})
    optimal = priorities(incomplete, completion="optimal")

    panel = group([ExpertJudgment("e1", 1.0, incomplete), ExpertJudgment("e2", 1.0, complete)], completion="optimal")
    single = group([ExpertJudgment("e1", 1.0, incomplete)], completion="optimal")
    items = [HierarchyNode(label) for label in BOZOKI_LABELS]
    tree = hierarchy(HierarchyNode("Goal", matrix=incomplete, children=items), completion="optimal")

    assert panel.experts[0].weights == pytest.approx(optimal.weights, abs=1e-12)
    assert panel.experts[0].cr == pytest.approx(optimal.cr, abs=1e-12)
    assert single.weights == pytest.approx(optimal.weights, abs=1e-12)
    assert single.aggregated_matrix == pytest.approx(optimal.completed_matrix, rel=1e-9)
    assert [node.local_weight for node in tree.nodes] == pytest.approx(optimal.weights.tolist(), abs=1e-12)
    assert tree.cr == pytest.approx(optimal.cr, abs=1e-12)
    assert not math.isclose(tree.cr, hierarchy(HierarchyNode("Goal", matrix=incomplete, children=items)).cr)


def test_an_unknown_completion_is_rejected_where_it_is_given() -> None:
    a = from_pairs(BOZOKI_LABELS, BOZOKI_JUDGMENTS)
    tree = HierarchyNode("Goal", matrix=a, children=[HierarchyNode(label) for label in BOZOKI_LABELS])
    calls: list[Callable[[], object]] = [
        lambda: priorities(a, completion="nearest"),  # type: ignore[arg-type]
        lambda: group([ExpertJudgment("e1", 1.0, a)], completion="nearest"),  # type: ignore[arg-type]
        lambda: hierarchy(tree, completion="nearest"),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(InvalidInput) as excinfo:
            call()
        assert [error["loc"] for error in excinfo.value.errors] == [["completion"]]
