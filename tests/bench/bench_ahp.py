"""Benchmark of the AHP core (issue 3): group AIJ for 100 experts on a 15 × 15 matrix, target ≤ 20 ms (median)."""

from __future__ import annotations

import json
import sys

import numpy as np

from services.scoring.engine.ahp import ExpertJudgment, group, priorities
from tests.bench.common import median_seconds, verdict


def random_reciprocal(n: int, rng: np.random.Generator) -> np.ndarray:
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])
    matrix = np.ones((n, n))
    upper = np.triu_indices(n, 1)
    matrix[upper] = rng.choice(scale, size=len(upper[0]))
    matrix[(upper[1], upper[0])] = 1 / matrix[upper]
    return matrix


def main() -> int:
    rng = np.random.default_rng(11)
    panel = [ExpertJudgment(f"e{k}", 1.0, random_reciprocal(15, rng)) for k in range(100)]
    group(panel)
    aij = median_seconds(lambda: group(panel, aggregation="aij"), repeats=21)
    aip = median_seconds(lambda: group(panel, aggregation="aip"), repeats=21)
    single = median_seconds(lambda: priorities(panel[0].matrix), repeats=101)
    results = {"aij_100x15_ms": round(aij * 1000, 2), "aip_100x15_ms": round(aip * 1000, 2),
               "single_15x15_ms": round(single * 1000, 3)}  # fmt: skip
    print(json.dumps(results, indent=2))
    ok = aij <= 0.020
    print(f"{verdict(ok)} group AIJ, 100 experts × 15×15 ≤ 20 ms: {results['aij_100x15_ms']} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
