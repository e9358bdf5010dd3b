"""Issue 13, item 2: outliers winsorised (JRC practice), checked against SciPy's bias-corrected estimators."""

from __future__ import annotations

import numpy as np
from scipy import stats

from services.scoring.engine.audit import winsorize


def flagged(values: np.ndarray) -> bool:
    present = values[~np.isnan(values)]
    skew = stats.skew(present, bias=False)
    kurt = stats.kurtosis(present, bias=False)
    return bool(abs(skew) > 2 and kurt > 3.5)


def test_the_largest_values_are_set_to_the_next_one_until_the_rule_passes() -> None:
    rng = np.random.default_rng(7)
    column = rng.normal(50, 5, size=30)
    column[[3, 11]] = [400.0, 250.0]  # two far outliers on the upper side
    raw = np.column_stack([column, rng.normal(0, 1, size=30)])
    assert flagged(raw[:, 0])
    assert not flagged(raw[:, 1])
    treated, cells = winsorize(raw)
    np.testing.assert_array_equal(treated[:, 1], raw[:, 1])  # an indicator that is not flagged is untouched
    assert not flagged(treated[:, 0])
    k = len(cells)
    assert 1 <= k <= 5
    bound = np.sort(column)[::-1][k]  # the (k+1)-th largest value
    assert all(cell.treated == bound and cell.value > bound for cell in cells)
    np.testing.assert_array_equal(treated[:, 0], np.minimum(column, bound))
    # k is the least number of values that makes the rule pass: one value fewer still flags the indicator.
    if k > 1:
        assert flagged(np.minimum(column, np.sort(column)[::-1][k - 1]))


def test_a_lower_tail_is_raised_missing_values_stay_missing_and_at_most_five_are_treated() -> None:
    column = np.array([10.0] * 6 + [11.0] * 6 + [12.0] * 6 + [-500.0, -400.0, -300.0, -200.0, -100.0, -90.0, np.nan])
    assert flagged(column)
    treated, cells = winsorize(column[:, np.newaxis])
    assert np.isnan(treated[-1, 0])
    assert len(cells) <= 5
    assert all(cell.treated > cell.value for cell in cells)
    present = column[~np.isnan(column)]
    bound = np.sort(present)[len(cells)]
    np.testing.assert_array_equal(treated[:-1, 0], np.maximum(present, bound))


def test_too_few_values_or_equal_values_are_never_treated() -> None:
    raw = np.array([[1.0, 5.0], [2.0, 5.0], [100.0, 5.0]])
    treated, cells = winsorize(raw)
    assert cells == []
    np.testing.assert_array_equal(treated, raw)
