"""Benchmarks of the front end (issue 5): server-side reruns of Streamlit pages, timed with AppTest.

The three services run as real processes over an 80-cluster SQLite database: the demo data set (tree, 31 clusters,
panels and profiles) plus 49 synthetic clusters with 2024 values imported like any file.

- Judgments: the rerun after one judgment changes (new weights, λmax and CR from POST /v1/ahp/priorities), median
  of 20 ≤ 300 ms.
- Ranking (what-if view) and Weights (tune view): the rerun after a criterion-weight slider moves (a new ranking of
  80 clusters from POST /v1/rankings/preview), median of 20 ≤ 500 ms each.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import get_args

import numpy as np

from services.indicators.db import make_engine, make_session_factory
from services.indicators.demo.load import DEMO_ACTOR, load_demo, read_indicator_system
from services.indicators.models import Cluster
from services.indicators.observations.service import import_observations
from services.indicators.prestart import alembic_config
from shared.schemas.vocabulary import Category
from tests.bench.common import verdict
from tests.support.paths import APP
from tests.support.platform import running_platform

EXTRA_CLUSTERS = 49
REPEATS = 20
ADMIN_KEY = "bench-frontend-admin-key"
CATEGORIES = get_args(Category)


def build_database(url: str) -> None:
    """The demo data set plus 49 synthetic clusters with 2024 values, imported like any file."""
    from alembic import command

    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session, session.begin():
        load_demo(session)
    rng = np.random.default_rng(5)
    lines = ["cluster_code,indicator_code,year,value,source"]
    for c in range(EXTRA_CLUSTERS):
        for criterion in read_indicator_system():
            for indicator in criterion.children:
                value = rng.uniform(indicator.ref_min, indicator.ref_max)
                shown = str(int(round(value))) if indicator.integer else f"{value:.3f}"
                lines.append(f"BENCH-{c:02d},{indicator.code},2024,{shown},synthetic bench")
    with factory() as session, session.begin():
        for c in range(EXTRA_CLUSTERS):
            session.add(
                Cluster(code=f"BENCH-{c:02d}", name=f"Bench cluster {c}", name_zh=f"基准集群{c}", province="Jiangsu",
                        province_zh="江苏省", region="East", industry="high-end equipment", industry_zh="高端装备",
                        category=CATEGORIES[c % len(CATEGORIES)])
            )  # fmt: skip
    with factory() as session, session.begin():
        content = ("\n".join(lines) + "\n").encode()
        import_observations(session, content=content, filename="bench.csv", dry_run=False, actor=DEMO_ACTOR)
    engine.dispose()


def timed_reruns(at: object, change: object, repeats: int = REPEATS) -> list[float]:
    """Milliseconds of each `at.run()` right after `change(k)` set a widget to its k-th value."""
    times = []
    for k in range(repeats):
        change(k)  # type: ignore[operator]
        started = time.perf_counter()
        at.run()  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        assert not at.exception, [e.message for e in at.exception]  # type: ignore[attr-defined]
        assert not at.error, [e.value for e in at.error]  # type: ignore[attr-defined]
    return times


def main() -> int:
    from streamlit.testing.v1 import AppTest

    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        build_database(url)
        with running_platform(url, admin_key=ADMIN_KEY, data_dir=Path(folder)) as platform:
            os.environ.update(platform.app_env)
            at = AppTest.from_file(str(APP), default_timeout=120)
            at.run()
            at.switch_page("app_pages/judgments.py").run()
            ident = f"{at.session_state['panel']}:{at.session_state['expert']}:goal"

            def judge(k: int) -> None:
                # One click on a point of Saaty's scale, as an expert judges a pair (the strength of two pairs, so
                # that each of the 20 matrices is new: no cached priorities).
                at.segmented_control(key=f"strength:{ident}:0:1").set_value(1 + k % 9)  # type: ignore[attr-defined]
                at.segmented_control(key=f"strength:{ident}:0:2").set_value(1 + (3 + k // 9) % 9)  # type: ignore[attr-defined]

            judgments_ms = timed_reruns(at, judge)

            at.switch_page("app_pages/ranking.py").run()
            assert len(at.dataframe[0].value) == 80, len(at.dataframe[0].value)
            at.segmented_control(key="ranking_view").set_value("tab_what_if").run()
            profile = at.session_state["profile"]
            ranking_ms = timed_reruns(
                at, lambda k: at.slider(key=f"ranking_tune:{profile}:C4").set_value(round(0.2 + 0.01 * k, 3))
            )
            assert len(at.dataframe[-1].value) == 80

            at.switch_page("app_pages/weights.py").run()
            at.segmented_control(key="weights_view").set_value("tab_tune").run()
            weights_ms = timed_reruns(
                at, lambda k: at.slider(key=f"weights_tune:{profile}:C2").set_value(round(0.3 + 0.01 * k, 3))
            )

    for name, times in (("judgments", judgments_ms), ("ranking_what_if", ranking_ms), ("weights_tune", weights_ms)):
        results[f"{name}_rerun_median_ms"] = round(statistics.median(times), 1)
        results[f"{name}_rerun_max_ms"] = round(max(times), 1)
    judgments_ok = float(results["judgments_rerun_median_ms"]) <= 300  # type: ignore[arg-type]
    ranking_ok = float(results["ranking_what_if_rerun_median_ms"]) <= 500  # type: ignore[arg-type]
    weights_ok = float(results["weights_tune_rerun_median_ms"]) <= 500  # type: ignore[arg-type]
    print(json.dumps(results, indent=2))
    print(
        f"{verdict(judgments_ok)} Judgments rerun after a judgment ≤ 300 ms: {results['judgments_rerun_median_ms']} ms"
    )
    print(
        f"{verdict(ranking_ok)} Ranking rerun after a weight slider (80 clusters) ≤ 500 ms: "
        f"{results['ranking_what_if_rerun_median_ms']} ms"
    )
    print(
        f"{verdict(weights_ok)} Weights rerun after a weight slider (80 clusters) ≤ 500 ms: "
        f"{results['weights_tune_rerun_median_ms']} ms"
    )
    return 0 if judgments_ok and ranking_ok and weights_ok else 1


if __name__ == "__main__":
    sys.exit(main())
