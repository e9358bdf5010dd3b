"""Unit tests of the scoring engine: validation, normalisations, TOPSIS and the pymcdm methods, comparisons."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from pymcdm import methods as pm_methods
from pymcdm.helpers import normalize_matrix

from services.scoring.engine.compare import compare_methods
from services.scoring.engine.mcda import (
    METHODS,
    NORMALIZATIONS,
    competition_ranks,
    normalize,
    score,
    validate_problem,
)
from shared.errors import InvalidInput

# Hwang, C.-L. and Yoon, K. (1981), Multiple Attribute Decision Making: Methods and Applications, Springer
# (Lecture Notes in Economics and Mathematical Systems 186), the fighter-aircraft example used throughout
# the book: A1..A4 on maximum speed (Mach), ferry range (NM), maximum payload (lb), acquisition cost
# ($10^6, a cost), reliability and manoeuvrability (interval scale), weights (.2, .1, .1, .1, .2, .3).
# Published TOPSIS relative closeness C* = .643, .268, .613, .312, order A1 > A3 > A4 > A2.
AIRCRAFT = np.array(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]
)
AIRCRAFT_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
AIRCRAFT_TYPES = ["benefit", "benefit", "benefit", "cost", "benefit", "benefit"]
AIRCRAFT_CLOSENESS = [0.643, 0.268, 0.613, 0.312]

# The example request of /v1/score in API.md.
API_MATRIX = [[250, 7], [200, 6], [300, 9]]
API_WEIGHTS = [0.4, 0.6]
API_TYPES = ["cost", "benefit"]


def plain_topsis(x: npt.ArrayLike, w: npt.ArrayLike, benefit: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Textbook TOPSIS (vector normalisation, cost ideal = column minimum), written independently."""
    x, w, benefit = np.asarray(x, float), np.asarray(w, float), np.asarray(benefit, bool)
    v = x / np.sqrt((x**2).sum(axis=0)) * (w / w.sum())
    best = np.where(benefit, v.max(axis=0), v.min(axis=0))
    worst = np.where(benefit, v.min(axis=0), v.max(axis=0))
    d_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    return np.asarray(d_worst / (d_best + d_worst))


def error_locs(exc: pytest.ExceptionInfo[InvalidInput]) -> list[list[Any]]:
    return [e["loc"] for e in exc.value.errors]


def test_topsis_reproduces_hwang_and_yoon_fighter_aircraft() -> None:
    result = score(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES)

    assert result.method == "topsis"
    assert result.normalization == "vector"
    # The book rounds its intermediate results (for A3: d+ = .0580, d- = .0920), hence 1e-3 and not 5e-4.
    np.testing.assert_allclose(result.scores, AIRCRAFT_CLOSENESS, atol=1e-3)
    assert result.ranks.tolist() == [1, 4, 2, 3]
    assert result.warnings == ()


@pytest.mark.parametrize("seed", range(5))
def test_topsis_equals_plain_numpy_topsis(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, k = rng.integers(2, 40), rng.integers(1, 12)
    x = rng.uniform(0.5, 1000, size=(m, k))
    w = rng.uniform(0.01, 1, size=k)
    benefit = rng.random(k) < 0.6

    result = score(x, w, np.where(benefit, "benefit", "cost"))

    np.testing.assert_allclose(result.scores, plain_topsis(x, w, benefit), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("normalization", sorted(NORMALIZATIONS))
def test_topsis_equals_pymcdm_topsis_for_every_normalization(normalization: str) -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(1, 50, size=(15, 6))
    w = rng.dirichlet(np.ones(6))
    types = np.array([1, -1, 1, 1, -1, 1])
    expected = pm_methods.TOPSIS(NORMALIZATIONS[normalization].pymcdm_function)(x, w, types)

    result = score(x, w, types, normalization=normalization)

    assert result.normalization == normalization
    np.testing.assert_allclose(result.scores, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(NORMALIZATIONS))
def test_vectorised_normalizations_equal_pymcdm(name: str) -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(0.1, 20, size=(12, 5))
    types = np.array([1, -1, 1, -1, 1])

    ours = normalize(x, types, name)

    np.testing.assert_allclose(ours, normalize_matrix(x, NORMALIZATIONS[name].pymcdm_function, types), atol=1e-14)


def test_api_example_ranks_make_sense() -> None:
    result = score(API_MATRIX, API_WEIGHTS, API_TYPES)

    np.testing.assert_allclose(result.scores, plain_topsis(API_MATRIX, API_WEIGHTS, [False, True]), atol=1e-12)
    # A3 has by far the best quality (the heavier criterion) at a moderately higher cost.
    assert result.ranks.tolist() == [3, 2, 1]


def test_weights_not_summing_to_one_are_normalised_with_a_warning() -> None:
    scaled = score(API_MATRIX, [4, 6], API_TYPES)
    reference = score(API_MATRIX, API_WEIGHTS, API_TYPES)

    np.testing.assert_allclose(scaled.scores, reference.scores)
    assert scaled.warnings == ("weights did not sum to 1 and were normalised",)
    assert reference.warnings == ()


# The aircraft matrix times these: squares of values near 1e200 overflow, those of values near 1e-200 underflow.
MAGNITUDES = {
    "1e200": 1e200,
    "1e-200": 1e-200,
    "each column its own": np.array([1e-200, 1.0, 1e200, 1e300, 1e-300, 1.0]),
}


@pytest.mark.parametrize("factor", list(MAGNITUDES.values()), ids=list(MAGNITUDES))
def test_topsis_scores_the_aircraft_the_same_whatever_the_magnitude_of_the_values(factor: float) -> None:
    reference = score(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES)

    scaled = score(AIRCRAFT * factor, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES)

    assert scaled.ranks.tolist() == reference.ranks.tolist() == [1, 4, 2, 3]
    np.testing.assert_allclose(scaled.scores, reference.scores, rtol=1e-12)
    assert scaled.warnings == ()


@pytest.mark.parametrize("factor", list(MAGNITUDES.values()), ids=list(MAGNITUDES))
@pytest.mark.parametrize(
    ("method", "normalization"),
    [(name, None) for name in sorted(METHODS)]
    + [(name, "vector") for name in sorted(METHODS) if METHODS[name].default_normalization is not None],
)
def test_every_method_ranks_the_same_whatever_the_magnitude_of_the_values(
    method: str, normalization: str | None, factor: float
) -> None:
    reference = score(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES, method=method, normalization=normalization)

    scaled = score(AIRCRAFT * factor, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES, method=method, normalization=normalization)

    assert scaled.ranks.tolist() == reference.ranks.tolist()
    np.testing.assert_allclose(scaled.scores, reference.scores, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("factor", [1e307, 1e-300])
def test_weights_of_any_magnitude_are_normalised(factor: float) -> None:
    reference = score(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES)

    scaled = score(AIRCRAFT, np.multiply(AIRCRAFT_WEIGHTS, factor), AIRCRAFT_TYPES)

    assert scaled.ranks.tolist() == reference.ranks.tolist()
    np.testing.assert_allclose(scaled.scores, reference.scores, rtol=1e-12)
    assert scaled.warnings == ("weights did not sum to 1 and were normalised",)


def test_weights_whose_sum_overflows_are_normalised_not_zeroed() -> None:
    # Six weights of 1.7e308 sum to infinity: divided by that sum they were all 0, and every score 0.5.
    huge = score(AIRCRAFT, [1.7e308] * 6, AIRCRAFT_TYPES)
    equal = score(AIRCRAFT, [1] * 6, AIRCRAFT_TYPES)

    np.testing.assert_allclose(huge.scores, equal.scores, rtol=1e-14)
    assert huge.ranks.tolist() == equal.ranks.tolist()
    assert sorted(huge.ranks.tolist()) == [1, 2, 3, 4]
    assert huge.warnings == ("weights did not sum to 1 and were normalised",)


def test_constant_and_zero_columns_are_left_out_with_a_warning() -> None:
    x = np.array([[250, 5, 0, 7], [200, 5, 0, 6], [300, 5, 0, 9]], dtype=float)
    names = ["cost", "flat", "empty", "quality"]

    result = score(x, [0.4, 0.1, 0.1, 0.6], ["cost", "benefit", "benefit", "benefit"], criteria_names=names)

    assert np.isfinite(result.scores).all()
    np.testing.assert_allclose(result.scores, score(API_MATRIX, API_WEIGHTS, API_TYPES).scores, atol=1e-12)
    assert any("'flat' has the same value for every alternative" in w for w in result.warnings)
    assert any("'empty' is zero for every alternative" in w for w in result.warnings)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_all_equal_alternatives_get_equal_finite_scores(method: str) -> None:
    x = np.array([[3.0, 1.0, 2.0]] * 4)

    result = score(x, [1, 1, 1], ["benefit", "cost", "benefit"], method=method)

    assert np.isfinite(result.scores).all()
    assert np.ptp(result.scores) == 0
    assert result.ranks.tolist() == [1, 1, 1, 1]
    assert any("every alternative gets the same score" in w for w in result.warnings)


def test_zero_weight_on_every_informative_criterion_gives_equal_scores() -> None:
    x = [[1, 5], [2, 5], [3, 5]]

    result = score(x, [0, 1], ["benefit", "benefit"])

    assert result.scores.tolist() == [0.5, 0.5, 0.5]
    assert result.ranks.tolist() == [1, 1, 1]


def test_competition_ranks_share_the_best_rank_of_a_tie() -> None:
    assert competition_ranks(np.array([0.5, 0.7, 0.5, 0.1])).tolist() == [2, 1, 2, 4]
    assert competition_ranks(np.array([0.5, 0.7, 0.5, 0.1]), higher_is_better=False).tolist() == [2, 4, 2, 1]
    # Floating-point noise below 12 significant digits is a tie.
    assert competition_ranks(np.array([0.1 + 0.2, 0.3, 0.2])).tolist() == [1, 1, 3]
    assert competition_ranks(np.array([[1.0, 2.0], [2.0, 2.0]])).tolist() == [[2, 1], [1, 1]]
    assert competition_ranks(np.zeros(3)).tolist() == [1, 1, 1]


def test_identical_alternatives_share_a_rank() -> None:
    result = score([[1, 2], [3, 1], [1, 2]], [0.5, 0.5], ["benefit", "cost"])

    assert result.scores[0] == result.scores[2]
    assert result.ranks[0] == result.ranks[2]
    assert sorted(result.ranks.tolist()) in ([1, 1, 3], [1, 2, 2])


def test_vikor_ranks_lower_q_first() -> None:
    result = score(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES, method="vikor")
    expected_q = pm_methods.VIKOR(NORMALIZATIONS["minmax"].pymcdm_function)(
        AIRCRAFT, np.array(AIRCRAFT_WEIGHTS), np.array([1, 1, 1, -1, 1, 1])
    )

    assert result.higher_is_better is False
    assert result.normalization == "minmax"
    np.testing.assert_allclose(result.scores, expected_q, atol=1e-12)
    assert result.ranks[np.argmin(result.scores)] == 1
    assert result.ranks[np.argmax(result.scores)] == 4
    assert result.ranks.tolist() == [1, 4, 2, 3]


def test_vikor_is_finite_when_every_alternative_ties_on_s_and_r() -> None:
    result = score([[1, 2], [2, 1]], [0.5, 0.5], ["benefit", "benefit"], method="vikor")

    assert result.scores.tolist() == [0.0, 0.0]
    assert result.ranks.tolist() == [1, 1]


@pytest.mark.parametrize("method", sorted(set(METHODS) - {"topsis", "vikor"}))
def test_pymcdm_methods_match_pymcdm_with_their_default_normalization(method: str) -> None:
    spec = METHODS[method]
    norm = NORMALIZATIONS[spec.default_normalization].pymcdm_function if spec.default_normalization else None
    assert spec.build is not None
    types = np.array([1, 1, 1, -1, 1, 1])
    expected = spec.build(norm)(AIRCRAFT, np.array(AIRCRAFT_WEIGHTS), types)

    result = score(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES, method=method)

    assert result.normalization == spec.default_normalization
    np.testing.assert_allclose(result.scores, expected, atol=1e-12)
    assert result.ranks[np.argmax(result.scores)] == 1


@pytest.mark.parametrize(
    ("matrix", "weights", "types", "loc"),
    [
        ([[1, 2], [np.nan, 3]], [0.5, 0.5], ["benefit", "cost"], ["matrix", 1, 0]),
        ([[1, 2], [3, None]], [0.5, 0.5], ["benefit", "cost"], ["matrix", 1, 1]),
        ([[1, np.inf], [3, 4]], [0.5, 0.5], ["benefit", "cost"], ["matrix", 0, 1]),
        ([[1, 2], [3]], [0.5, 0.5], ["benefit", "cost"], ["matrix", 1]),
        ([1, 2, 3], [1.0], ["benefit"], ["matrix"]),
        ([], [], [], ["matrix"]),
        ([[1, "x"], [3, 4]], [0.5, 0.5], ["benefit", "cost"], ["matrix"]),
        ([[1, 2], [3, 4]], [0.5, -0.5], ["benefit", "cost"], ["criteria", 1, "weight"]),
        ([[1, 2], [3, 4]], [np.nan, 0.5], ["benefit", "cost"], ["criteria", 0, "weight"]),
        ([[1, 2], [3, 4]], [0, 0], ["benefit", "cost"], ["criteria"]),
        ([[1, 2], [3, 4]], [0.5, 0.3, 0.2], ["benefit", "cost"], ["criteria"]),
        ([[1, 2], [3, 4]], [0.5, 0.5], ["benefit", "worse"], ["criteria", 1, "type"]),
        ([[1, 2], [3, 4]], [0.5, 0.5], ["benefit"], ["criteria"]),
    ],
)
def test_bad_input_raises_with_its_location(matrix: Any, weights: Any, types: Any, loc: list[Any]) -> None:
    with pytest.raises(InvalidInput) as exc:
        score(matrix, weights, types)

    assert loc in error_locs(exc)


def test_every_bad_cell_is_located() -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_problem([[np.nan, 1, 2], [3, 4, np.nan]], [1, 1, 1], ["benefit"] * 3)

    assert error_locs(exc) == [["matrix", 0, 0], ["matrix", 1, 2]]


@pytest.mark.parametrize(
    ("kwargs", "loc"),
    [
        ({"method": "electre"}, ["method"]),
        ({"normalization": "zscore"}, ["normalization"]),
        ({"method": "promethee_ii", "normalization": "vector"}, ["normalization"]),
    ],
)
def test_unknown_method_or_normalization_is_rejected(kwargs: dict[str, str], loc: list[str]) -> None:
    with pytest.raises(InvalidInput) as exc:
        score(API_MATRIX, API_WEIGHTS, API_TYPES, **kwargs)

    assert error_locs(exc) == [loc]


def test_normalization_domain_errors_name_the_cell() -> None:
    x = [[1, 2, 3], [4, 0, 6], [7, 8, 9]]

    with pytest.raises(InvalidInput) as exc:
        score(x, [1, 1, 1], ["benefit", "cost", "benefit"], method="wsm")

    assert error_locs(exc) == [["matrix", 1, 1]]
    assert "sum normalization" in exc.value.errors[0]["msg"]
    # The same data is fine with a normalization defined at zero.
    assert np.isfinite(
        score(x, [1, 1, 1], ["benefit", "cost", "benefit"], method="wsm", normalization="minmax").scores
    ).all()


def test_types_accept_signs() -> None:
    by_name = score(API_MATRIX, API_WEIGHTS, API_TYPES)
    by_sign = score(API_MATRIX, API_WEIGHTS, np.array([-1, 1]))

    np.testing.assert_array_equal(by_name.scores, by_sign.scores)


def test_compare_methods_gives_symmetric_agreement_matrices() -> None:
    comparison = compare_methods(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES, methods=["topsis", "vikor", "wsm", "edas"])

    n = len(comparison.methods)
    assert comparison.ranks.shape == comparison.scores.shape == (n, 4)
    assert comparison.normalizations == ("vector", "minmax", "sum", None)
    for matrix in (comparison.spearman, comparison.ws):
        np.testing.assert_allclose(matrix, matrix.T)
        np.testing.assert_allclose(np.diag(matrix), 1.0)
    # TOPSIS and VIKOR rank the aircraft identically here ...
    assert comparison.spearman[0, 1] == 1.0
    # ... WSM swaps the top two: rs = 1 - 6 * 2 / (4 * 15).
    assert comparison.spearman[0, 2] == pytest.approx(0.8)
    assert 0 < comparison.ws[0, 2] < 1


def test_compare_methods_rejects_duplicates() -> None:
    with pytest.raises(InvalidInput) as exc:
        compare_methods(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES, methods=["topsis", "topsis"])

    assert error_locs(exc) == [["methods", 1]]
