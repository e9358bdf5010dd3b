"""Goepel's AHP consensus indicator S* and AHP-OS's words for it, against the formulas written out here.

Goepel (2018), "Implementation of an Online Software Tool for the Analytic Hierarchy Process (AHP-OS)", IJAHP 10(3),
and AHP-OS itself (github.com/bpmsg/ahp-os, classes/AhpGroup.php: getConsensus, ahpShannonCor, hamin), for n items,
K experts with priorities p_k and weights u_k (AHP-OS weighs them equally), and the scale's maximum M = 9:

    H_alpha = sum_k u_k H(p_k),  H_gamma = H(sum_k u_k p_k),  D_beta = exp(H_gamma - H_alpha)
    H_alpha,min = H(M / (n + M - 1), 1 / (n + M - 1), ..., 1 / (n + M - 1))   (one item M times each other)
    S* = (1 / D_beta - exp(H_alpha,min) / n) / (1 - exp(H_alpha,min) / n)

with H the Shannon entropy (natural logarithm). Words (AHP-OS, consensusWording): very low up to 0.5, low up to
0.625, moderate up to 0.75, high up to 0.875, very high above.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from services.scoring.engine.ahp import (
    ExpertJudgment,
    ahp_consensus,
    consensus,
    consensus_band,
    group,
    priorities,
)


def goepel_s_star(p: np.ndarray, u: np.ndarray | None = None, m: float = 9.0) -> float:
    """S* by the formulas above, in NumPy (priorities strictly positive)."""
    p = np.asarray(p, dtype=float)
    k, n = p.shape
    u = np.full(k, 1 / k) if u is None else np.asarray(u, dtype=float) / np.sum(u)
    h_alpha = -np.sum(u * np.sum(p * np.log(p), axis=1))
    mean = u @ p
    h_gamma = -np.sum(mean * np.log(mean))
    d_beta = np.exp(h_gamma - h_alpha)
    one_sided = np.array([m] + [1.0] * (n - 1)) / (n + m - 1)
    h_alpha_min = -np.sum(one_sided * np.log(one_sided))
    floor = np.exp(h_alpha_min) / n
    return float((1 / d_beta - floor) / (1 - floor))


def two_item_matrix(ratio: float) -> np.ndarray:
    return np.array([[1.0, ratio], [1 / ratio, 1.0]])


def test_s_star_against_a_hand_computation() -> None:
    # H_alpha = -(0.8 ln 0.8 + 0.2 ln 0.2) = 0.500402, H_gamma = ln 2 = 0.693147, 1/D_beta = 0.824692;
    # H_alpha,min = -(0.9 ln 0.9 + 0.1 ln 0.1) = 0.325083 (n = 2, M = 9), exp(H_alpha,min) / 2 = 0.692073;
    # S* = (0.824692 - 0.692073) / (1 - 0.692073) = 0.430685. The relative homogeneity S is 0.649385.
    p = np.array([[0.8, 0.2], [0.2, 0.8]])

    assert ahp_consensus(p) == pytest.approx(0.430685, abs=1e-6)
    assert ahp_consensus(p) == pytest.approx(goepel_s_star(p), abs=1e-12)
    assert consensus(p) == pytest.approx(0.649385, abs=1e-6)
    assert consensus_band(ahp_consensus(p)) == "very_low"


def test_the_most_one_sided_experts_the_scale_allows_have_s_star_zero() -> None:
    # 9 : 1 against 1 : 9: then H_alpha = H_alpha,min and H_gamma = ln 2, so 1/D_beta = exp(H_alpha,min) / 2.
    result = group([ExpertJudgment("a", 1.0, two_item_matrix(9)), ExpertJudgment("b", 1.0, two_item_matrix(1 / 9))])

    assert result.ahp_consensus == pytest.approx(0.0, abs=1e-12)
    assert result.consensus_band == "very_low"


def test_s_star_may_be_below_zero() -> None:
    p = np.array([[0.98, 0.01, 0.01], [0.01, 0.98, 0.01]])

    assert ahp_consensus(p) == pytest.approx(goepel_s_star(p), abs=1e-12)
    assert ahp_consensus(p) < 0
    assert consensus(p) >= 0  # S, by contrast, is clipped to [0, 1]
    assert consensus_band(ahp_consensus(p)) == "very_low"


def test_identical_experts_have_s_star_one() -> None:
    matrix = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])

    result = group([ExpertJudgment(f"e{k}", 1.0 + k, matrix) for k in range(3)])

    assert result.ahp_consensus == pytest.approx(1.0, abs=1e-12)
    assert result.consensus_band == "very_high"
    assert ahp_consensus(np.array([[0.2, 0.8]])) == 1.0
    assert ahp_consensus(np.array([[1.0], [1.0]])) == 1.0


@pytest.mark.parametrize("aggregation", ["aij", "aip"])
def test_s_star_of_a_panel_is_that_of_the_experts_priorities(aggregation: str) -> None:
    rng = np.random.default_rng(3)
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9]
    panel = []
    for k in range(5):
        upper = {(i, j): float(rng.choice(scale)) for i in range(4) for j in range(i + 1, 4)}
        a = np.ones((4, 4))
        for (i, j), value in upper.items():
            a[i, j], a[j, i] = value, 1 / value
        panel.append(ExpertJudgment(f"e{k}", 1.0 + k, a))

    result = group(panel, aggregation=aggregation)  # type: ignore[arg-type]

    expert_weights = np.array([priorities(judgment.matrix).weights for judgment in panel])
    importance = np.array([judgment.weight for judgment in panel])
    assert result.ahp_consensus == pytest.approx(goepel_s_star(expert_weights, importance), abs=1e-12)
    assert result.ahp_consensus < result.consensus


@pytest.mark.parametrize(
    ("top", "at", "above"),
    [(0.5, "very_low", "low"), (0.625, "low", "moderate"), (0.75, "moderate", "high"), (0.875, "high", "very_high")],
)
def test_each_band_includes_its_upper_end(top: float, at: str, above: str) -> None:
    assert consensus_band(top) == at
    assert consensus_band(math.nextafter(top, -math.inf)) == at
    assert consensus_band(math.nextafter(top, math.inf)) == above


def test_bands_below_zero_and_at_one() -> None:
    assert consensus_band(-0.4) == "very_low"
    assert consensus_band(1.0) == "very_high"


@pytest.mark.parametrize(("side", "band"), [(-1, "high"), (1, "moderate")])
def test_a_panel_on_either_side_of_the_moderate_high_boundary(side: int, band: str) -> None:
    # Two experts on two items, one indifferent (1 : 1), the other judging x : 1; x is chosen by the formula
    # above so that S* = 0.75, then moved by 1e-6 either way (S* falls as x grows).
    def s_star_minus_boundary(x: float) -> float:
        return goepel_s_star(np.array([[0.5, 0.5], [x / (1 + x), 1 / (1 + x)]])) - 0.75

    boundary = brentq(s_star_minus_boundary, 1.0, 9.0, xtol=1e-14)
    x = boundary * (1 + side * 1e-6)

    result = group([ExpertJudgment("a", 1.0, two_item_matrix(1.0)), ExpertJudgment("b", 1.0, two_item_matrix(x))])

    assert result.ahp_consensus == pytest.approx(0.75 + s_star_minus_boundary(x), abs=1e-12)
    assert (result.ahp_consensus - 0.75) * side < 0
    assert result.consensus_band == band
