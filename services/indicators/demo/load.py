"""Loads the synthetic demo data set: the indicator tree, the clusters, and the observations through the import path.

python -m services.indicators.demo.load        # only when the database holds no clusters yet
python -m services.indicators.demo.load --force
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.indicators.clusters.service import create_cluster
from services.indicators.config import IndicatorsSettings
from services.indicators.db import make_engine, make_session_factory
from services.indicators.indicator_tree.service import upsert_tree
from services.indicators.models import Cluster
from services.indicators.observations.service import import_observations
from shared.auth import Principal, Role
from shared.schemas.indicators import ClusterRead, CriterionNode, ImportResult, IndicatorRead

DEMO_DIR = Path(__file__).resolve().parent
DEMO_ACTOR = Principal(key_id=None, name="demo-loader", role=Role.admin)
log = logging.getLogger(__name__)


def read_indicator_system(path: Path = DEMO_DIR / "indicator_system.yaml") -> list[CriterionNode]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        CriterionNode(
            code=criterion["code"],
            name=criterion["name"],
            name_zh=criterion["name_zh"],
            children=[IndicatorRead.model_validate(indicator) for indicator in criterion["indicators"]],
        )
        for criterion in data["criteria"]
    ]


def read_clusters(path: Path = DEMO_DIR / "clusters.yaml") -> list[ClusterRead]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [ClusterRead.model_validate(cluster) for cluster in data["clusters"]]


def load_demo(session: Session, *, actor: Principal = DEMO_ACTOR) -> ImportResult:
    """Tree and clusters as an admin would create them, then observations.csv exactly as a user's import."""
    upsert_tree(session, nodes=read_indicator_system(), actor=actor)
    existing = set(session.scalars(select(Cluster.code)))
    for cluster in read_clusters():
        if cluster.code not in existing:
            create_cluster(session, data=cluster, actor=actor)
    session.flush()
    csv_path = DEMO_DIR / "observations.csv"
    return import_observations(
        session, content=csv_path.read_bytes(), filename=csv_path.name, dry_run=False, actor=actor
    )


def database_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Cluster))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="load even when clusters exist already")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = IndicatorsSettings()
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session, session.begin():
        if not args.force and not database_is_empty(session):
            log.info("demo data: the database holds clusters already; nothing loaded")
            return
        result = load_demo(session)
        log.info("demo data loaded (synthetic): %s rows, %s inserted", result.rows, result.inserted)
    engine.dispose()


if __name__ == "__main__":
    main()
