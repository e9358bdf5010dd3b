"""Unit tests of the AHP engine against published examples and independent computations."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, get_args

import numpy as np
import pytest

from services.scoring.engine.ahp import (
    ExpertJudgment,
    HierarchyNode,
    Judgment,
    consensus,
    group,
    hierarchy,
    parse_judgment,
    priorities,
    to_matrix,
)
from services.scoring.engine.random_index import random_index
from shared.errors import InvalidInput
from shared.schemas.vocabulary import PriorityMethod, RiTable

# Saaty (2008), relative consumption of drinks: coffee, wine, tea, beer, soda, milk, water (upper triangle).
DRINKS_UPPER: list[list[str]] = [
    ["9", "5", "2", "1", "1", "1/2"],
    ["1/3", "1/9", "1/9", "1/9", "1/9"],
    ["1/3", "1/4", "1/3", "1/9"],
    ["1/2", "1", "1/3"],
    ["2", "1/2"],
    ["1/3"],
]
DRINKS_EIGENVECTOR = [0.1775, 0.0191, 0.0418, 0.1164, 0.1896, 0.1288, 0.3268]
DRINKS_GEOMETRIC_MEAN = [0.1787, 0.0185, 0.0422, 0.1165, 0.1911, 0.1286, 0.3243]


def full_rows(upper: list[list[str]]) -> list[list[Judgment]]:
    """A full request matrix from its upper triangle, the lower one written as fraction strings."""
    n = len(upper) + 1
    rows: list[list[Judgment]] = [["1"] * n for _ in range(n)]
    for i, row in enumerate(upper):
        for offset, value in enumerate(row):
            j = i + 1 + offset
            rows[i][j] = value
            rows[j][i] = str(1 / Fraction(value))
    return rows


def consistent_matrix(weights: list[float] | np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    ratios: np.ndarray = np.divide.outer(w, w)
    return ratios


def reciprocal(upper_values: dict[tuple[int, int], float | None], n: int) -> np.ndarray:
    """An n x n reciprocal matrix from upper-triangle entries; None marks a missing pair."""
    a = np.ones((n, n))
    for (i, j), value in upper_values.items():
        a[i, j] = np.nan if value is None else value
        a[j, i] = np.nan if value is None else 1 / value
    return a


def power_iteration(a: np.ndarray) -> tuple[np.ndarray, float]:
    w = np.full(a.shape[0], 1 / a.shape[0])
    for _ in range(10_000):
        nxt = a @ w
        nxt /= nxt.sum()
        if np.abs(nxt - w).max() < 1e-15:
            break
        w = nxt
    return nxt, float((a @ nxt).sum() / nxt.sum())


def locs(excinfo: pytest.ExceptionInfo[InvalidInput]) -> list[list[Any]]:
    return [error["loc"] for error in excinfo.value.errors]


def random_reciprocal(n: int, rng: np.random.Generator) -> np.ndarray:
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])
    upper: dict[tuple[int, int], float | None] = {
        (i, j): float(rng.choice(scale)) for i in range(n) for j in range(i + 1, n)
    }
    return reciprocal(upper, n)


# --- priorities of complete matrices -------------------------------------------------------------------


def test_drinks_eigenvector_matches_saaty() -> None:
    result = priorities(to_matrix(full_rows(DRINKS_UPPER)))

    assert result.weights == pytest.approx(DRINKS_EIGENVECTOR, abs=5e-4)
    assert result.lambda_max == pytest.approx(7.1766, abs=1e-3)
    assert result.ci == pytest.approx((result.lambda_max - 7) / 6)
    assert result.ri == 1.32
    assert result.cr == pytest.approx(result.ci / 1.32)
    assert result.consistent
    assert result.weights.sum() == pytest.approx(1.0)


def test_drinks_geometric_mean_matches_saaty() -> None:
    result = priorities(to_matrix(full_rows(DRINKS_UPPER)), method="geometric_mean")

    assert result.weights == pytest.approx(DRINKS_GEOMETRIC_MEAN, abs=5e-4)
    # lambda_max is always that of the (here already complete) matrix, whatever the method.
    assert result.lambda_max == pytest.approx(7.1766, abs=1e-3)


def test_eigenvector_agrees_with_independent_power_iteration() -> None:
    rng = np.random.default_rng(7)
    for matrix in [to_matrix(full_rows(DRINKS_UPPER)), random_reciprocal(12, rng)]:
        expected_weights, expected_lambda = power_iteration(matrix)
        result = priorities(matrix, ri_table="alonso_lamata")

        assert result.weights == pytest.approx(expected_weights, abs=1e-9)
        assert result.lambda_max == pytest.approx(expected_lambda, abs=1e-9)


@pytest.mark.parametrize("method", get_args(PriorityMethod))
@pytest.mark.parametrize("n", [3, 7, 30])
def test_consistent_matrix_has_zero_cr_and_no_inconsistencies(method: str, n: int) -> None:
    weights = np.random.default_rng(n).uniform(0.1, 5.0, n)
    result = priorities(consistent_matrix(weights), method=method, ri_table="alonso_lamata")  # type: ignore[arg-type]

    assert result.weights == pytest.approx(weights / weights.sum(), rel=1e-9)
    assert result.lambda_max == pytest.approx(n, abs=1e-9)
    assert result.cr == pytest.approx(0.0, abs=1e-12)
    assert result.ci >= 0.0
    assert result.consistent
    assert result.inconsistencies == []


def test_inconsistencies_point_at_the_odd_judgment() -> None:
    # Consistent with w = (8, 4, 2, 1) except a[0][3], which should be 8 but says 1/2.
    matrix = consistent_matrix([8, 4, 2, 1])
    matrix[0, 3], matrix[3, 0] = 0.5, 2.0
    result = priorities(matrix)

    worst = result.inconsistencies[0]
    assert (worst.row, worst.col, worst.value) == (0, 3, 0.5)
    assert len(result.inconsistencies) == 3
    assert worst.suggested == pytest.approx(result.weights[0] / result.weights[3])
    assert len(result.inconsistencies) <= 3
    assert not result.consistent


def test_one_and_two_items_have_zero_ci_and_cr() -> None:
    single = priorities(to_matrix([[1]]))
    pair = priorities(to_matrix([[1, "1/4"], [4, 1]]))

    assert single.weights.tolist() == [1.0]
    assert (single.ci, single.cr, single.ri) == (0.0, 0.0, 0.0)
    assert pair.weights == pytest.approx([0.2, 0.8])
    assert (pair.ci, pair.cr) == (0.0, 0.0)
    assert pair.inconsistencies == []


@pytest.mark.parametrize("method", get_args(PriorityMethod))
def test_ci_and_cr_of_a_consistent_matrix_are_never_negative_nor_minus_zero(method: str) -> None:
    # The demo generator's own eigen solver wrote consistency_ratio -0.0 for the first matrix on some CPUs.
    demo_node = to_matrix([[1, 2, 2, 1], ["1/2", 1, 1, "1/2"], ["1/2", 1, 1, "1/2"], [1, 2, 2, 1]])
    rng = np.random.default_rng(5)
    matrices = [demo_node, *(consistent_matrix(rng.uniform(0.1, 9.0, n)) for n in range(3, 12))]
    for matrix in matrices:
        result = priorities(matrix, method=method)  # type: ignore[arg-type]

        for value in (result.ci, result.cr):
            assert value == 0.0 or value > 0.0
            assert math.copysign(1.0, value) == 1.0, (matrix.shape, value)


def test_a_matrix_with_cr_below_1e_9_is_perfectly_consistent_and_lists_no_inconsistency() -> None:
    # One judgment off by a factor 1 + 1e-6: far more than a solve's rounding, yet CR is about 1e-13, and
    # API.md calls a matrix with CR < 1e-9 perfectly consistent, with no inconsistencies.
    matrix = consistent_matrix([8, 4, 2, 1])
    matrix[0, 3] *= 1 + 1e-6
    matrix[3, 0] = 1 / matrix[0, 3]
    result = priorities(matrix)

    assert result.cr < 1e-9
    assert result.inconsistencies == []


# --- incomplete matrices -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", get_args(PriorityMethod))
def test_spanning_tree_of_judgments_gives_exact_ratios(method: str) -> None:
    # a01 = 2 and a12 = 3 with a02 missing: w0/w1 = 2, w1/w2 = 3, so w = (6, 3, 1) / 10 and the gap is 6.
    # Harker's matrix [[2, 2, 0], [1/2, 1, 3], [0, 1/3, 2]] has (6, 3, 1) as eigenvector for lambda = 3.
    matrix = to_matrix([[1, 2, None], ["1/2", 1, 3], [None, "1/3", 1]])
    result = priorities(matrix, method=method)  # type: ignore[arg-type]

    assert result.weights == pytest.approx([0.6, 0.3, 0.1], abs=1e-12)
    assert result.completed_matrix[0, 2] == pytest.approx(6.0)
    assert result.completed_matrix[2, 0] == pytest.approx(1 / 6)
    assert result.lambda_max == pytest.approx(3.0)
    assert result.cr == pytest.approx(0.0, abs=1e-12)
    assert result.inconsistencies == []


@pytest.mark.parametrize("method", get_args(PriorityMethod))
def test_incomplete_result_equals_complete_one_with_the_gap_at_its_consistent_value(method: str) -> None:
    incomplete = reciprocal({(0, 1): 3, (0, 2): 5, (0, 3): None, (1, 2): 1 / 2, (1, 3): 4, (2, 3): 7}, 4)
    partial = priorities(incomplete, method=method)  # type: ignore[arg-type]
    w = partial.weights
    filled = incomplete.copy()
    filled[0, 3], filled[3, 0] = w[0] / w[3], w[3] / w[0]
    complete = priorities(filled, method=method)  # type: ignore[arg-type]

    assert partial.cr > 0.0
    assert complete.weights == pytest.approx(w, abs=1e-9)
    assert complete.lambda_max == pytest.approx(partial.lambda_max, abs=1e-9)
    assert partial.completed_matrix == pytest.approx(filled, rel=1e-12)
    assert all((item.row, item.col) != (0, 3) for item in partial.inconsistencies)


def test_logarithmic_least_squares_reproduces_the_geometric_mean_when_complete() -> None:
    matrix = random_reciprocal(9, np.random.default_rng(3))
    geometric_mean = np.prod(matrix, axis=1) ** (1 / 9)

    result = priorities(matrix, method="geometric_mean")

    assert result.weights == pytest.approx(geometric_mean / geometric_mean.sum(), abs=1e-12)


@pytest.mark.parametrize("method", get_args(PriorityMethod))
def test_disconnected_judgments_are_rejected(method: str) -> None:
    # {0, 1} and {2, 3} are compared among themselves but never across.
    matrix = reciprocal({(0, 1): 2, (0, 2): None, (0, 3): None, (1, 2): None, (1, 3): None, (2, 3): 3}, 4)

    with pytest.raises(InvalidInput) as excinfo:
        priorities(matrix, method=method, loc_prefix=("tree", "matrix"))  # type: ignore[arg-type]

    assert locs(excinfo) == [["tree", "matrix"]]
    assert "[2, 3]" in excinfo.value.errors[0]["msg"]


def chain_of_nines(n: int) -> np.ndarray:
    """Only a[i][i+1] = 9 (and its reciprocal) given, every other pair missing: consistent, w_i ~ 9^-i."""
    matrix = np.full((n, n), np.nan)
    np.fill_diagonal(matrix, 1.0)
    for i in range(n - 1):
        matrix[i, i + 1], matrix[i + 1, i] = 9.0, 1 / 9
    return matrix


@pytest.mark.parametrize("method", get_args(PriorityMethod))
@pytest.mark.parametrize("n", [17, 30])
def test_a_consistent_chain_of_nines_gives_exact_powers_of_nine(method: str, n: int) -> None:
    # The weights span 9^(n-1), 4.7e27 for 30 items: an eigen solve of the unscaled Harker matrix resolves the
    # small ones only to LAPACK's absolute error (over 30 items the weights came out 32% off).
    powers = [Fraction(1, 9**i) for i in range(n)]
    expected = [float(power / sum(powers)) for power in powers]
    # Saaty's RI table stops at 15 items.
    result = priorities(chain_of_nines(n), method=method, ri_table="donegan_dodd")  # type: ignore[arg-type]

    np.testing.assert_allclose(result.weights, expected, rtol=1e-9, atol=0)
    np.testing.assert_allclose(result.completed_matrix[0, n - 1], 9.0 ** (n - 1), rtol=1e-9)
    assert result.lambda_max == pytest.approx(n, rel=1e-12)
    assert 0.0 <= result.cr < 1e-9
    assert result.consistent
    assert result.inconsistencies == []


# --- random index ------------------------------------------------------------------------------------

SAATY = [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.54, 1.56, 1.57, 1.59]
TUMMALA_LING = [0.5799, 0.8921, 1.1159, 1.2358, 1.3322, 1.3952, 1.4537, 1.4882, 1.5117, 1.5356, 1.5571]
TUMMALA_LING += [1.5714, 1.5831]
DONEGAN_DODD = {
    **dict(zip(range(3, 16), [0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055, 1.4213,
                              1.4497, 1.4643, 1.4822, 1.4969], strict=True)),
    16: 1.5078, 17: 1.5153, 18: 1.5262, 19: 1.5313, 20: 1.5371, 25: 1.5619, 30: 1.5772, 40: 1.5976,
    50: 1.6102, 60: 1.6178, 70: 1.6237, 80: 1.6277, 90: 1.6213, 100: 1.6339,
}  # fmt: skip
TABLE_VALUES = (
    [("saaty", n, v) for n, v in zip(range(3, 16), SAATY, strict=True)]
    + [("tummala_ling", n, v) for n, v in zip(range(3, 16), TUMMALA_LING, strict=True)]
    + [("donegan_dodd", n, v) for n, v in DONEGAN_DODD.items()]
)


@pytest.mark.parametrize(("table", "n", "expected"), TABLE_VALUES)
def test_random_index_table_values(table: str, n: int, expected: float) -> None:
    assert random_index(n, table) == expected


@pytest.mark.parametrize("table", get_args(RiTable))
def test_random_index_is_zero_for_one_and_two_items(table: str) -> None:
    assert random_index(1, table) == 0.0
    assert random_index(2, table) == 0.0


def test_donegan_dodd_interpolates_linearly_between_listed_sizes() -> None:
    assert random_index(22, "donegan_dodd") == pytest.approx(1.5371 + (1.5619 - 1.5371) * 2 / 5, abs=1e-12)
    assert random_index(95, "donegan_dodd") == pytest.approx((1.6213 + 1.6339) / 2, abs=1e-12)


@pytest.mark.parametrize("n", [3, 7, 15, 64, 500])
def test_alonso_lamata_formula(n: int) -> None:
    assert random_index(n, "alonso_lamata") == pytest.approx((1.7699 * n - 4.3513) / (n - 1), rel=1e-12)


@pytest.mark.parametrize(
    ("table", "n", "largest"), [("saaty", 16, 15), ("tummala_ling", 20, 15), ("donegan_dodd", 101, 100)]
)
def test_random_index_beyond_the_table_names_its_largest_n(table: str, n: int, largest: int) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        random_index(n, table)

    assert locs(excinfo) == [["ri_table"]]
    assert f"up to {largest}" in excinfo.value.errors[0]["msg"]


def test_unknown_random_index_table_is_rejected() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        random_index(5, "harker")
    assert locs(excinfo) == [["ri_table"]]


def test_priorities_reports_an_uncovered_size() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        priorities(np.ones((16, 16)))
    assert "up to 15" in excinfo.value.detail


# --- parsing and validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1/3", 1 / 3), ("3", 3.0), ("0.5", 0.5), (" 1 / 7 ", 1 / 7), (2, 2.0), (0.25, 0.25), (None, None)],
)
def test_parse_judgment_accepts_numbers_and_fractions(raw: Judgment, expected: float | None) -> None:
    assert parse_judgment(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "", "1/0", "1/3/4", "0", 0, -2, "-1/3", math.inf, "inf", "nan", 1e12])
def test_parse_judgment_rejects_bad_values(raw: Judgment) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        parse_judgment(raw, loc=("matrix", 0, 1))
    assert locs(excinfo) == [["matrix", 0, 1]]


def test_parse_judgment_rejects_booleans() -> None:
    with pytest.raises(InvalidInput):
        parse_judgment(True)


@pytest.mark.parametrize(
    ("rows", "expected_locs"),
    [
        ([], [["matrix"]]),
        ([[1, 2], ["1/2"]], [["matrix", 1]]),
        ([[1, 2, 3], ["1/2", 1, 1], [3, 1, 1]], [["matrix", 2, 0]]),
        ([[1, 0], [1, 1]], [["matrix", 0, 1]]),
        ([[1, -2], ["-1/2", 1]], [["matrix", 0, 1], ["matrix", 1, 0]]),
        ([[1, "abc"], [1, 1]], [["matrix", 0, 1]]),
        ([[1, math.inf], [0, 1]], [["matrix", 0, 1], ["matrix", 1, 0]]),
        ([[1, 2], ["1/2", 2]], [["matrix", 1, 1]]),
        ([[None, 2], ["1/2", 1]], [["matrix", 0, 0]]),
        ([[1, 2, None], ["1/2", 1, 2], [4, "1/2", 1]], [["matrix", 0, 2]]),
    ],
    ids=["empty", "ragged", "not-reciprocal", "zero", "negative", "abc", "inf", "diagonal", "diagonal-null",
         "half-missing"],
)  # fmt: skip
def test_bad_matrices_are_rejected_at_the_right_place(rows: list[list[Judgment]], expected_locs: list[Any]) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        to_matrix(rows)
    assert locs(excinfo) == expected_locs


def test_every_error_is_reported_at_once_under_the_given_prefix() -> None:
    rows: list[list[Judgment]] = [[1, "x", 3], [2, 1, 4], ["1/3", "1/4", 5]]

    with pytest.raises(InvalidInput) as excinfo:
        to_matrix(rows, loc_prefix=("judgments", 1, "matrix"))

    assert sorted(locs(excinfo)) == [
        ["judgments", 1, "matrix", 0, 1],
        ["judgments", 1, "matrix", 2, 2],
    ]


def test_reciprocity_is_checked_with_relative_tolerance() -> None:
    matrix = to_matrix([[1, 3, 0.3333], [0.3333, 1, 1], [3, 1, 1]])
    assert matrix[1, 0] == 1 / 3

    with pytest.raises(InvalidInput):
        to_matrix([[1, 3], [0.33, 1]])


def test_priorities_validates_arrays_given_directly() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        priorities(np.array([[1.0, 2.0], [2.0, 1.0]]), loc_prefix=("m",))
    assert locs(excinfo) == [["m", 1, 0]]

    with pytest.raises(InvalidInput) as excinfo:
        priorities(np.ones((2, 3)))
    assert locs(excinfo) == [["matrix"]]


# --- groups -----------------------------------------------------------------------------------------


def test_aij_of_identical_experts_is_the_single_expert() -> None:
    matrix = to_matrix(full_rows(DRINKS_UPPER))
    single = priorities(matrix)

    result = group([ExpertJudgment(f"e{k}", 1.0 + k, matrix) for k in range(4)])

    assert result.weights == pytest.approx(single.weights, abs=1e-12)
    assert result.aggregated_matrix == pytest.approx(matrix, rel=1e-12)
    assert result.cr == pytest.approx(single.cr, abs=1e-12)
    assert result.consensus == pytest.approx(1.0)
    assert [expert.expert for expert in result.experts] == ["e0", "e1", "e2", "e3"]
    assert all(expert.weights == pytest.approx(single.weights) for expert in result.experts)


def test_aij_is_the_weighted_geometric_mean_of_the_judgments() -> None:
    first = reciprocal({(0, 1): 3, (0, 2): 5, (1, 2): 2}, 3)
    second = reciprocal({(0, 1): 1 / 3, (0, 2): 1, (1, 2): None}, 3)

    result = group([ExpertJudgment("a", 3.0, first), ExpertJudgment("b", 1.0, second)], aggregation="aij")

    # Weights 3/4 and 1/4; a12 was given by "a" alone, so it keeps a's value.
    by_hand = reciprocal({(0, 1): 3**0.75 * (1 / 3) ** 0.25, (0, 2): 5**0.75, (1, 2): 2}, 3)
    assert result.aggregated_matrix is not None
    assert result.aggregated_matrix == pytest.approx(by_hand, rel=1e-12)
    assert result.weights == pytest.approx(priorities(by_hand).weights, abs=1e-12)
    assert result.aggregation == "aij"


def test_aip_is_the_weighted_mean_of_the_experts_priorities() -> None:
    first = reciprocal({(0, 1): 3, (0, 2): 5, (1, 2): 2}, 3)
    second = reciprocal({(0, 1): 1 / 3, (0, 2): 1 / 2, (1, 2): 4}, 3)
    p1, p2 = priorities(first), priorities(second)

    result = group([ExpertJudgment("a", 1.0, first), ExpertJudgment("b", 3.0, second)], aggregation="aip")

    assert result.weights == pytest.approx(0.25 * p1.weights + 0.75 * p2.weights, abs=1e-12)
    assert result.cr == pytest.approx(0.25 * p1.cr + 0.75 * p2.cr, abs=1e-12)
    assert result.lambda_max == pytest.approx(0.25 * p1.lambda_max + 0.75 * p2.lambda_max, abs=1e-12)
    assert result.aggregated_matrix is None
    assert [expert.cr for expert in result.experts] == pytest.approx([p1.cr, p2.cr])
    assert 0.0 < result.consensus < 1.0


def test_group_validation_points_at_each_expert() -> None:
    good = reciprocal({(0, 1): 2, (0, 2): 3, (1, 2): 1}, 3)
    disconnected = reciprocal({(0, 1): 2, (0, 2): None, (1, 2): None}, 3)
    panel = [
        ExpertJudgment("a", 1.0, good),
        ExpertJudgment("a", 0.0, good),
        ExpertJudgment("c", 1.0, np.ones((2, 2))),
    ]

    with pytest.raises(InvalidInput) as excinfo:
        group(panel)
    assert locs(excinfo) == [["judgments", 1, "expert"], ["judgments", 1, "weight"], ["judgments", 2, "matrix"]]

    with pytest.raises(InvalidInput) as excinfo:
        group([ExpertJudgment("a", 1.0, good), ExpertJudgment("b", 1.0, disconnected)])
    assert locs(excinfo) == [["judgments", 1, "matrix"]]

    with pytest.raises(InvalidInput) as excinfo:
        group([])
    assert locs(excinfo) == [["judgments"]]


# --- consensus --------------------------------------------------------------------------------------


def test_consensus_is_one_for_identical_experts_and_lower_as_they_diverge() -> None:
    base = np.array([0.5, 0.3, 0.2])
    close = np.array([0.45, 0.35, 0.2])
    far = np.array([0.1, 0.2, 0.7])

    assert consensus(np.vstack([base, base, base])) == pytest.approx(1.0)
    assert consensus(base[None, :]) == 1.0
    assert 1.0 > consensus(np.vstack([base, close])) > consensus(np.vstack([base, far])) > 0.0


def test_consensus_against_a_hand_computation() -> None:
    # H_alpha = -(0.8 ln 0.8 + 0.2 ln 0.2) = 0.500402 for both; H_gamma = ln 2 = 0.693147 (mean is 1/2, 1/2);
    # 1/D_beta = exp(0.500402 - 0.693147) = 0.824692; S = (0.824692 - 1/2) / (1 - 1/2) = 0.649385.
    assert consensus(np.array([[0.8, 0.2], [0.2, 0.8]])) == pytest.approx(0.649385, abs=1e-6)
    # Complete disagreement: H_alpha = 0, H_gamma = ln 2, D_beta = 2 = n, so S = 0.
    assert consensus(np.array([[1.0, 0.0], [0.0, 1.0]])) == pytest.approx(0.0, abs=1e-12)
    # Goepel normalises by the number of items n, not of experts: D_beta = 2, S = (1/2 - 1/3) / (1 - 1/3).
    assert consensus(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])) == pytest.approx(0.25, abs=1e-12)


def test_consensus_weighs_experts_by_importance() -> None:
    # Mean (0.65, 0.35); H_alpha stays 0.500402 (both experts have the same entropy).
    p = np.array([[0.8, 0.2], [0.2, 0.8]])
    h_gamma = -(0.65 * math.log(0.65) + 0.35 * math.log(0.35))
    expected = (math.exp(0.5004024235 - h_gamma) - 0.5) / 0.5

    assert consensus(p, np.array([3.0, 1.0])) == pytest.approx(expected, abs=1e-9)


# --- hierarchy --------------------------------------------------------------------------------------


def small_tree() -> HierarchyNode:
    # Goal weighs A : B = 3 : 2; under A, X : Y = 3 : 1; under B, X : Y = 1 : 4.
    return HierarchyNode(
        "Goal",
        matrix=reciprocal({(0, 1): 1.5}, 2),
        children=[
            HierarchyNode("A", matrix=reciprocal({(0, 1): 3}, 2), children=[HierarchyNode("X"), HierarchyNode("Y")]),
            HierarchyNode("B", weights=np.array([1.0, 4.0]), children=[HierarchyNode("X"), HierarchyNode("Y")]),
        ],
    )


def test_hierarchy_sums_a_leaf_over_every_place_it_stands() -> None:
    result = hierarchy(small_tree())

    by_path = {node.path: node for node in result.nodes}
    assert list(by_path) == ["Goal/A", "Goal/A/X", "Goal/A/Y", "Goal/B", "Goal/B/X", "Goal/B/Y"]
    assert by_path["Goal/A"].global_weight == pytest.approx(0.6)
    assert by_path["Goal/B/Y"].local_weight == pytest.approx(0.8)
    assert by_path["Goal/B/Y"].global_weight == pytest.approx(0.32)
    # X: 0.6 * 0.75 + 0.4 * 0.2; Y: 0.6 * 0.25 + 0.4 * 0.8.
    assert result.leaves == pytest.approx({"X": 0.53, "Y": 0.47})
    assert result.consistent
    assert result.cr == 0.0


def test_hierarchy_reports_each_matrix_cr() -> None:
    criteria = reciprocal({(0, 1): 2.0, (0, 2): 0.5, (1, 2): 2.0}, 3)
    alternatives = to_matrix(full_rows(DRINKS_UPPER))
    drinks = [HierarchyNode(name) for name in ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]]
    tree = HierarchyNode(
        "Goal",
        matrix=criteria,
        children=[
            HierarchyNode("C1", matrix=alternatives, children=drinks),
            HierarchyNode("C2", weights=np.ones(7), children=drinks),
            HierarchyNode("C3"),
        ],
    )

    result = hierarchy(tree)

    top = priorities(criteria)
    assert result.cr == pytest.approx(top.cr)
    assert result.consistent is top.consistent
    c1 = next(node for node in result.nodes if node.path == "Goal/C1")
    assert c1.cr == pytest.approx(priorities(alternatives).cr)
    expected_coffee = top.weights[0] * DRINKS_EIGENVECTOR[0] + top.weights[1] / 7
    assert result.leaves["coffee"] == pytest.approx(expected_coffee, abs=5e-4)
    assert sum(result.leaves.values()) == pytest.approx(1.0)


def test_hierarchy_errors_point_into_the_tree() -> None:
    tree = HierarchyNode(
        "Goal",
        weights=np.array([-1.0, 1.0, 1.0]),
        children=[
            HierarchyNode("A", children=[HierarchyNode("X")]),
            HierarchyNode("B", matrix=np.ones((1, 1))),
            HierarchyNode("B", matrix=np.ones((3, 3)), children=[HierarchyNode("X"), HierarchyNode("Y")]),
        ],
    )

    with pytest.raises(InvalidInput) as excinfo:
        hierarchy(tree)

    assert sorted(map(str, locs(excinfo))) == sorted(
        map(
            str,
            [
                ["tree", "weights", 0],
                ["tree", "children", 2, "name"],
                ["tree", "children", 0, "matrix"],
                ["tree", "children", 1, "matrix"],
                ["tree", "children", 2, "matrix"],
            ],
        )
    )


def test_hierarchy_needs_children_under_the_goal() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        hierarchy(HierarchyNode("Goal"))
    assert locs(excinfo) == [["tree", "children"]]
