"""Unit tests of fixed-reference TOPSIS and of criterion-level scores."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from services.scoring.engine.mcda import score
from services.scoring.engine.reference import criterion_scores, score_fixed_reference
from shared.errors import InvalidInput

# Three indicators in the style of DOMAIN.md: R&D intensity (%), pilot-test platforms, energy per 10k yuan
# (a cost), with their plausible ranges as the reference.
TYPES = ["benefit", "benefit", "cost"]
LOWER = [1.0, 0.0, 0.1]
UPPER = [6.0, 20.0, 1.5]
WEIGHTS = [0.5, 0.3, 0.2]
CLUSTERS = np.array(
    [
        [3.5, 10.0, 0.8],
        [5.0, 4.0, 0.3],
        [1.5, 18.0, 1.2],
        [2.0, 2.0, 0.5],
    ]
)


def hand_fixed_closeness(row: list[float]) -> float:
    """Closeness of one row computed by hand from the definition."""
    w = np.array(WEIGHTS)
    s = np.array(
        [
            (row[0] - LOWER[0]) / (UPPER[0] - LOWER[0]),
            (row[1] - LOWER[1]) / (UPPER[1] - LOWER[1]),
            (UPPER[2] - row[2]) / (UPPER[2] - LOWER[2]),
        ]
    )
    d_ideal = np.sqrt(np.sum((w * (1 - s)) ** 2))
    d_anti = np.sqrt(np.sum((w * s) ** 2))
    return float(d_anti / (d_ideal + d_anti))


def test_fixed_reference_matches_the_definition() -> None:
    result = score_fixed_reference(CLUSTERS, WEIGHTS, TYPES, LOWER, UPPER)

    expected = [hand_fixed_closeness(row) for row in CLUSTERS.tolist()]
    np.testing.assert_allclose(result.scores, expected, atol=1e-12)
    assert not result.clipped_mask.any()
    assert result.scaled[1, 2] == pytest.approx((1.5 - 0.3) / 1.4)


def test_ideal_and_anti_ideal_rows_score_one_and_zero() -> None:
    result = score_fixed_reference([[6, 20, 0.1], [1, 0, 1.5]], WEIGHTS, TYPES, LOWER, UPPER)

    assert result.scores.tolist() == [1.0, 0.0]


def test_a_score_depends_only_on_its_own_row() -> None:
    full = score_fixed_reference(CLUSTERS, WEIGHTS, TYPES, LOWER, UPPER).scores
    without_second = score_fixed_reference(np.delete(CLUSTERS, 1, axis=0), WEIGHTS, TYPES, LOWER, UPPER).scores
    extra = np.vstack([CLUSTERS, [[6.0, 20.0, 0.1]]])
    with_extra = score_fixed_reference(extra, WEIGHTS, TYPES, LOWER, UPPER).scores

    np.testing.assert_array_equal(without_second, np.delete(full, 1))
    np.testing.assert_array_equal(with_extra[:-1], full)
    # Relative (classical) TOPSIS on the same data does move when a strong alternative joins.
    relative = score(CLUSTERS, WEIGHTS, TYPES).scores
    assert not np.allclose(score(extra, WEIGHTS, TYPES).scores[:-1], relative)


def test_values_beyond_the_range_are_clipped_and_flagged() -> None:
    rows = np.array([[7.5, 10.0, 0.8], [6.0, 10.0, 0.8], [3.5, -1.0, 2.0]])

    result = score_fixed_reference(rows, WEIGHTS, TYPES, LOWER, UPPER)

    assert result.clipped_mask.tolist() == [[True, False, False], [False, False, False], [False, True, True]]
    assert result.scores[0] == result.scores[1]
    assert result.scaled[2].tolist() == [0.5, 0.0, 0.0]


def test_weights_are_normalised() -> None:
    np.testing.assert_allclose(
        score_fixed_reference(CLUSTERS, [5, 3, 2], TYPES, LOWER, UPPER).scores,
        score_fixed_reference(CLUSTERS, WEIGHTS, TYPES, LOWER, UPPER).scores,
    )


@pytest.mark.parametrize(
    ("lower", "upper", "loc"),
    [
        ([1.0, 20.0, 0.1], UPPER, ["criteria", 1, "upper"]),
        ([1.0, 0.0, np.nan], UPPER, ["criteria", 2, "lower"]),
        ([1.0, 0.0], UPPER, ["criteria"]),
    ],
)
def test_bad_reference_ranges_are_rejected(lower: list[float], upper: list[float], loc: list[Any]) -> None:
    with pytest.raises(InvalidInput) as exc:
        score_fixed_reference(CLUSTERS, WEIGHTS, TYPES, lower, upper)

    assert exc.value.errors[0]["loc"] == loc


def test_fixed_criterion_scores_score_each_criterion_on_its_own() -> None:
    groups = {"C1": [0, 1], "C5": [2]}

    result = criterion_scores(CLUSTERS, WEIGHTS, TYPES, groups, lower=LOWER, upper=UPPER)

    assert result.criteria == ("C1", "C5")
    assert result.scores.shape == (4, 2)
    c1 = score_fixed_reference(CLUSTERS[:, :2], [0.5 / 0.8, 0.3 / 0.8], TYPES[:2], LOWER[:2], UPPER[:2])
    np.testing.assert_allclose(result.scores[:, 0], c1.scores, atol=1e-12)
    # A single indicator's closeness is its scaled value.
    np.testing.assert_allclose(result.scores[:, 1], (1.5 - CLUSTERS[:, 2]) / 1.4, atol=1e-12)


def test_relative_criterion_scores_are_classical_topsis_per_criterion() -> None:
    groups = {"C1": [0, 1], "C5": [2]}

    result = criterion_scores(CLUSTERS, WEIGHTS, TYPES, groups, reference="relative")

    np.testing.assert_allclose(result.scores[:, 0], score(CLUSTERS[:, :2], [0.5, 0.3], TYPES[:2]).scores)
    np.testing.assert_allclose(result.scores[:, 1], score(CLUSTERS[:, 2:], [1.0], TYPES[2:]).scores)


def test_criterion_with_zero_weights_counts_its_indicators_equally() -> None:
    result = criterion_scores(CLUSTERS, [0.0, 0.0, 1.0], TYPES, {"C1": [0, 1]}, lower=LOWER, upper=UPPER)

    equal = score_fixed_reference(CLUSTERS[:, :2], [0.5, 0.5], TYPES[:2], LOWER[:2], UPPER[:2]).scores
    np.testing.assert_allclose(result.scores[:, 0], equal)
    assert result.warnings == ("criterion 'C1': all its indicator weights are 0, so they count equally in it",)


def test_relative_criterion_warnings_name_the_criterion_and_indicator() -> None:
    flat = CLUSTERS.copy()
    flat[:, 1] = 7.0

    result = criterion_scores(
        flat, WEIGHTS, TYPES, {"C2": [1], "C1": [0]}, reference="relative", criteria_names=["rd", "pilot", "energy"]
    )

    assert result.scores[:, 0].tolist() == [0.5] * 4
    assert any(w.startswith("criterion 'C2': criterion 'pilot' has the same value") for w in result.warnings)


@pytest.mark.parametrize(
    ("groups", "kwargs", "loc"),
    [
        ({"C1": [0, 3]}, {"lower": LOWER, "upper": UPPER}, ["groups", "C1", 1]),
        ({"C1": []}, {"lower": LOWER, "upper": UPPER}, ["groups", "C1"]),
        ({}, {"lower": LOWER, "upper": UPPER}, ["groups"]),
        ({"C1": [0]}, {}, ["reference"]),
    ],
)
def test_bad_groups_are_rejected(groups: dict[str, list[int]], kwargs: dict[str, Any], loc: list[Any]) -> None:
    with pytest.raises(InvalidInput) as exc:
        criterion_scores(CLUSTERS, WEIGHTS, TYPES, groups, **kwargs)

    assert exc.value.errors[0]["loc"] == loc
