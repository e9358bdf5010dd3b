"""Benchmark of the analyses of a published ranking (issue 12), as ratios to one uncached ranking in the same run.

80 synthetic clusters × the 30 indicators of the demo tree (bench_recommendations' data, with 12 values left out
so that imputation has something to vary), the demo panels and profiles (the default one: 15 experts), in a
scratch PostgreSQL database. The indicator service runs in process behind the real scoring code; timed, as
medians of RUNS runs, uncached (the analyses' own cache is bypassed):

- one ranking of 2024 (the baseline);
- uncertainty with 10,000 samples, sources weights + panel + imputation: target ≤ 1 s;
- sensitivity with 10,000 samples, every stability interval and a 21-point sweep: target ≤ 1 s;
- the Uncertainty page's rerun after a change of sources (weights + panel), model resolution included: ≤ 1.5 s;
- the statistical audit of the year (issue 13): ≤ 0.3 s;
- the year-over-year comparison with every cluster's Shapley decomposition (issue 13): ≤ 0.5 s.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from services.indicators.config import IndicatorsSettings
from services.indicators.main import create_app
from services.scoring.analyses import service
from services.scoring.rankings.service import RankingRequest, compare_years, compute_ranking
from shared.cache import MemoryCache
from shared.clients import IndicatorsClient
from shared.schemas.analyses import RankingSensitivityRequest, UncertaintyRequest
from tests.bench import bench_recommendations
from tests.bench.common import scratch_postgres, verdict

RUNS = 5
KEY = "bench-admin-key"
TARGETS = {"uncertainty": 1.0, "sensitivity": 1.0, "uncertainty_rerun": 1.5, "audit": 0.3, "year_over_year": 0.5}


def with_gaps(csv: bytes, every: int = 400) -> bytes:
    """The observations with every `every`-th 2024 row left out (missing values, imputed by the ranking)."""
    lines = csv.decode().splitlines()
    kept, seen = [lines[0]], 0
    for line in lines[1:]:
        if ",2024," in line:
            seen += 1
            if seen % every == 0:
                continue
        kept.append(line)
    return ("\n".join(kept) + "\n").encode()


def median(run: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    original = bench_recommendations.observations_csv
    bench_recommendations.observations_csv = lambda tree, seed=4: with_gaps(original(tree, seed))  # type: ignore[assignment]
    with scratch_postgres() as url:
        bench_recommendations.seed_database(url)
        settings = IndicatorsSettings(database_url=url, admin_api_key=KEY, env="test", rate_limit_per_minute=0)
        with TestClient(create_app(settings), headers={"X-API-Key": KEY}) as http:
            indicators = IndicatorsClient("http://indicators", http=http, cache=MemoryCache())
            state = indicators.state()
            request = RankingRequest(year=2024, profile_id=None, method="topsis", reference="fixed", category=None)
            ranking = compute_ranking(indicators, state, request)
            uncertainty = UncertaintyRequest(year=2024, samples=10_000, sources=["weights", "panel", "imputation"])
            sensitivity = RankingSensitivityRequest(year=2024, samples=10_000, sweep_criterion="C2", sweep_points=21)
            resolved = service.resolve_model(indicators, state, uncertainty)
            rerun = UncertaintyRequest(year=2024, samples=10_000, sources=["weights", "panel"], seed=7)

            def rerun_page() -> None:
                service.uncertainty(indicators, state, service.resolve_model(indicators, state, rerun), rerun)

            seconds = {
                "ranking": median(lambda: compute_ranking(indicators, state, request)),
                "uncertainty": median(lambda: service.uncertainty(indicators, state, resolved, uncertainty)),
                "sensitivity": median(lambda: service.sensitivity(resolved, sensitivity)),
                "uncertainty_rerun": median(rerun_page),
                "audit": median(lambda: service.audit_of(resolved, threshold=0.65)),
                "year_over_year": median(
                    lambda: compare_years(indicators, from_year=2023, to_year=2024, profile_id=None, method="topsis")
                ),
            }
    missing = int(resolved.model.missing.sum())
    report = {
        "clusters": len(ranking.results),
        "indicators": len(resolved.model.indicator_codes),
        "missing_values": missing,
        "panel_experts": len({j.expert for j in resolved.inputs.profile.judgments}),
        "median_seconds": {k: round(v, 4) for k, v in seconds.items()},
        "ratio_to_one_ranking": {k: round(v / seconds["ranking"], 1) for k, v in seconds.items() if k != "ranking"},
        "targets_seconds": TARGETS,
    }
    print(json.dumps(report, indent=2))
    ok = all(seconds[k] <= target for k, target in TARGETS.items())
    for name, target in TARGETS.items():
        print(f"{name}: {seconds[name]:.3f} s (target ≤ {target} s) {verdict(seconds[name] <= target)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
