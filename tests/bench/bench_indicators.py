"""Benchmarks of the indicator service (issue 2), as ratios to baselines in the same run.

- Import of ~100,000 observation rows from CSV into PostgreSQL (validation and history included) against a plain
  COPY of the same rows into the observations table (ids resolved beforehand, its unique index and foreign keys
  maintained): target ≤ 3×. A COPY into a bare table without indexes is reported too.
- GET /v1/datasets/{year} for 80 clusters × 30 indicators against /healthz on the same server: target ≤ 3×.
"""

from __future__ import annotations

import json
import sys
from typing import get_args

import httpx
import numpy as np
from sqlalchemy import text

from services.indicators.db import make_engine, make_session_factory
from services.indicators.demo.load import DEMO_ACTOR, read_indicator_system
from services.indicators.indicator_tree.service import upsert_tree
from services.indicators.models import Cluster
from services.indicators.observations.service import import_observations
from services.indicators.prestart import alembic_config
from shared.schemas.vocabulary import Category
from tests.bench.common import latency_ratio, median_seconds, running_service, scratch_postgres, verdict

N_CLUSTERS = 80
YEARS = range(1991, 2033)  # 80 clusters × 30 indicators × 42 years = 100,800 rows


def make_csv(seed: int, indicators: list[tuple[str, float, float, bool]]) -> bytes:
    rng = np.random.default_rng(seed)
    lines = ["cluster_code,indicator_code,year,value,source"]
    for year in YEARS:
        for c in range(N_CLUSTERS):
            for code, low, high, integer in indicators:
                value = rng.uniform(low, high)
                shown = str(int(round(value))) if integer else f"{value:.3f}"
                lines.append(f"B{c:03d},{code},{year},{shown},bench seed {seed}")
    return ("\n".join(lines) + "\n").encode()


def main() -> int:
    from alembic import command

    tree = read_indicator_system()
    indicators = [(i.code, i.ref_min, i.ref_max, i.integer) for c in tree for i in c.children]
    first, second = make_csv(1, indicators), make_csv(2, indicators)
    rows = first.count(b"\n") - 1
    results: dict[str, object] = {"rows": rows}
    with scratch_postgres() as url:
        command.upgrade(alembic_config(url), "head")
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with factory() as session, session.begin():
            upsert_tree(session, nodes=tree, actor=DEMO_ACTOR)
            for c in range(N_CLUSTERS):
                session.add(
                    Cluster(code=f"B{c:03d}", name=f"Bench {c}", name_zh=f"基准{c}", province="P", industry="I",
                            category=get_args(Category)[c % len(get_args(Category))])
                )  # fmt: skip

        def reset() -> None:
            with engine.begin() as conn:
                conn.execute(text("TRUNCATE observations, observation_history, dataset_revisions, audit_log"))
                conn.execute(text("DROP TABLE IF EXISTS copy_baseline"))
                conn.execute(
                    text(
                        "CREATE TABLE copy_baseline (cluster_code varchar(40), indicator_code varchar(20), "
                        "year int, value double precision, source varchar(300))"
                    )
                )

        with engine.connect() as conn:
            cluster_id = dict(conn.execute(text("SELECT code, id FROM clusters")).all())
            indicator_id = dict(conn.execute(text("SELECT code, id FROM indicators")).all())
        # The same rows with their codes already resolved to ids, as the observations table stores them.
        resolved = "\n".join(
            f"{cluster_id[c]},{indicator_id[i]},{y},{v},{src},2024-01-01T00:00:00Z"
            for c, i, y, v, src in (line.split(",") for line in first.decode().splitlines()[1:])
        ).encode()

        def plain_copy(table: str, data: bytes, columns: str) -> None:
            raw = engine.raw_connection()
            try:
                statement = f"COPY {table} {columns} FROM STDIN WITH (FORMAT csv)"
                with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
                    copy.write(data)
                raw.commit()
            finally:
                raw.close()

        def import_rows(content: bytes) -> None:
            with factory() as session, session.begin():
                import_observations(session, content=content, filename="bench.csv", dry_run=False, actor=DEMO_ACTOR)

        bare_copy_s = median_seconds(
            lambda: plain_copy("copy_baseline", first.split(b"\n", 1)[1], ""), repeats=3, setup=reset
        )
        columns = "(cluster_id, indicator_id, year, value, source, updated_at)"
        copy_s = median_seconds(lambda: plain_copy("observations", resolved, columns), repeats=3, setup=reset)
        import_s = median_seconds(lambda: import_rows(first), repeats=3, setup=reset)

        def reset_to_first() -> None:
            reset()
            import_rows(first)

        update_s = median_seconds(lambda: import_rows(second), repeats=3, setup=reset_to_first)
        results |= {
            "copy_into_bare_table_s": round(bare_copy_s, 3),
            "copy_into_observations_s": round(copy_s, 3),
            "import_new_rows_s": round(import_s, 3),
            "import_ratio_to_copy": round(import_s / copy_s, 2),
            "reimport_all_changed_with_history_s": round(update_s, 3),
            "reimport_ratio_to_copy": round(update_s / copy_s, 2),
        }
        import_rows(first)
        engine.dispose()

        key = "bench-admin-key"
        service_env = {"DATABASE_URL": url, "ADMIN_API_KEY": key}
        with (
            running_service("services.indicators.main", service_env) as base,
            httpx.Client(base_url=base, headers={"X-API-Key": key}) as client,
        ):
            body = client.get("/v1/datasets/2024").json()
            assert (len(body["clusters"]), len(body["indicators"])) == (N_CLUSTERS, 30)
            dataset_s, health_s = latency_ratio(client, "/v1/datasets/2024")
        results |= {
            "dataset_median_ms": round(dataset_s * 1000, 3),
            "healthz_median_ms": round(health_s * 1000, 3),
            "dataset_ratio_to_healthz": round(dataset_s / health_s, 2),
        }
    import_ok = float(results["import_ratio_to_copy"]) <= 3.0  # type: ignore[arg-type]
    dataset_ok = float(results["dataset_ratio_to_healthz"]) <= 3.0  # type: ignore[arg-type]
    print(json.dumps(results, indent=2))
    print(f"{verdict(import_ok)} import of {rows} rows ≤ 3× COPY: {results['import_ratio_to_copy']}×")
    print(f"{verdict(dataset_ok)} GET /v1/datasets (80×30) ≤ 3× /healthz: {results['dataset_ratio_to_healthz']}×")
    return 0 if import_ok and dataset_ok else 1


if __name__ == "__main__":
    sys.exit(main())
