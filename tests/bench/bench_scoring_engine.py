"""Time the scoring engine: TOPSIS on 10,000 x 50 against plain NumPy, and vectorised Monte Carlo sensitivity.

Run with `uv run python tests/bench/bench_scoring_engine.py`; prints the figures as JSON, then PASS/FAIL per
target, and exits non-zero when a target is missed.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from pymcdm import methods as pm_methods
from pymcdm import normalizations as pm_norm
from scipy.stats import rankdata

from services.scoring.engine.mcda import score
from services.scoring.engine.sensitivity import rank_acceptability

FloatArray = npt.NDArray[np.float64]

TOPSIS_SHAPE = (10_000, 50)
TOPSIS_MAX_RATIO = 1.5
TOPSIS_REPEATS = 31
MC_ALTERNATIVES, MC_CRITERIA, MC_SAMPLES = 45, 30, 10_000
MC_BUDGET_S = 0.25
MC_MIN_SPEEDUP = 8.0
MC_REPEATS = 7
LOOP_SUBSET = 500
CONCENTRATION, SEED = 50.0, 42


def plain_topsis(x: FloatArray, w: FloatArray, benefit: npt.NDArray[np.bool_]) -> FloatArray:
    """Textbook TOPSIS in plain NumPy (vector normalisation), the baseline of target (a)."""
    v = x / np.linalg.norm(x, axis=0) * w
    best = np.where(benefit, v.max(axis=0), v.min(axis=0))
    worst = np.where(benefit, v.min(axis=0), v.max(axis=0))
    d_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    return np.asarray(d_worst / (d_best + d_worst))


def interleaved_medians(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds of each run, alternating them so that all see the same machine load."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()  # warm-up
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) for name, t in times.items()}


def bench_topsis() -> dict[str, float | bool]:
    rng = np.random.default_rng(SEED)
    x = rng.uniform(1.0, 1000.0, size=TOPSIS_SHAPE)
    benefit = rng.random(TOPSIS_SHAPE[1]) < 0.7
    w = rng.dirichlet(np.ones(TOPSIS_SHAPE[1]))
    types = np.where(benefit, 1, -1)
    difference = float(np.abs(score(x, w, types).scores - plain_topsis(x, w, benefit)).max())
    medians = interleaved_medians(
        {"engine": lambda: score(x, w, types), "plain_numpy": lambda: plain_topsis(x, w, benefit)},
        TOPSIS_REPEATS,
    )
    ratio = medians["engine"] / medians["plain_numpy"]
    return {
        "engine_ms": medians["engine"] * 1e3,
        "plain_numpy_ms": medians["plain_numpy"] * 1e3,
        "ratio": ratio,
        "max_abs_difference": difference,
        "pass": ratio <= TOPSIS_MAX_RATIO,
    }


def pymcdm_loop(x: FloatArray, drawn: FloatArray, types: npt.NDArray[np.int64]) -> FloatArray:
    """The same rank acceptability the slow way: one pymcdm TOPSIS call and one ranking per sample."""
    topsis = pm_methods.TOPSIS(pm_norm.vector_normalization)
    m = x.shape[0]
    counts = np.zeros((m, m))
    for w in drawn:
        ranks = rankdata(-np.round(topsis(x, w, types, validation=False), 12), method="min").astype(int)
        counts[np.arange(m), ranks - 1] += 1
    return counts / len(drawn)


def bench_monte_carlo() -> dict[str, float | bool | str]:
    rng = np.random.default_rng(SEED)
    x = rng.uniform(1.0, 100.0, size=(MC_ALTERNATIVES, MC_CRITERIA))
    types = np.where(rng.random(MC_CRITERIA) < 0.8, 1, -1)
    w = rng.dirichlet(np.ones(MC_CRITERIA))

    def vectorised() -> object:
        return rank_acceptability(x, w, types, samples=MC_SAMPLES, seed=SEED, concentration=CONCENTRATION)

    seconds = interleaved_medians({"vectorised": vectorised}, MC_REPEATS)["vectorised"]
    drawn = np.random.default_rng(SEED).dirichlet(CONCENTRATION * w, size=LOOP_SUBSET)
    loop_seconds = interleaved_medians({"loop": lambda: pymcdm_loop(x, drawn, types)}, 3)["loop"]
    extrapolated = loop_seconds * MC_SAMPLES / LOOP_SUBSET
    subset = rank_acceptability(x, w, types, samples=LOOP_SUBSET, seed=SEED, concentration=CONCENTRATION)
    agrees = bool(np.allclose(subset.by_rank, pymcdm_loop(x, drawn, types)))
    speedup = extrapolated / seconds
    return {
        "samples": MC_SAMPLES,
        "shape": f"{MC_ALTERNATIVES} alternatives x {MC_CRITERIA} criteria",
        "vectorised_s": seconds,
        "pymcdm_loop_s_for_subset": loop_seconds,
        "pymcdm_loop_subset": LOOP_SUBSET,
        "pymcdm_loop_s_extrapolated": extrapolated,
        "extrapolation": f"linear from {LOOP_SUBSET} samples (x{MC_SAMPLES // LOOP_SUBSET})",
        "speedup": speedup,
        "same_shares_as_loop_on_subset": agrees,
        "pass_budget": seconds <= MC_BUDGET_S,
        "pass_speedup": speedup >= MC_MIN_SPEEDUP and agrees,
    }


def main() -> int:
    """Run both benchmarks, print their figures and verdicts; 1 when any target is missed."""
    topsis = bench_topsis()
    monte_carlo = bench_monte_carlo()
    print(json.dumps({"topsis_10000x50": topsis, "monte_carlo": monte_carlo}, indent=2))
    verdicts = [
        (
            f"(a) TOPSIS {TOPSIS_SHAPE[0]}x{TOPSIS_SHAPE[1]}: engine {topsis['engine_ms']:.2f} ms vs plain NumPy "
            f"{topsis['plain_numpy_ms']:.2f} ms, ratio {topsis['ratio']:.2f} (<= {TOPSIS_MAX_RATIO})",
            bool(topsis["pass"]),
        ),
        (
            f"(b) Monte Carlo {MC_SAMPLES} samples: {monte_carlo['vectorised_s']:.3f} s (<= {MC_BUDGET_S} s)",
            bool(monte_carlo["pass_budget"]),
        ),
        (
            f"(b) Monte Carlo speed-up over a pymcdm TOPSIS loop (timed on {LOOP_SUBSET} samples, extrapolated "
            f"linearly): {monte_carlo['speedup']:.1f}x (>= {MC_MIN_SPEEDUP:.0f}x)",
            bool(monte_carlo["pass_speedup"]),
        ),
    ]
    for line, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {line}")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
