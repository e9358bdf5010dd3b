"""Loads the synthetic demo data set: indicator tree, clusters, observations (as an import), panels and profiles.

Profiles are data (`profiles.yaml`, computed by `infra/scripts/generate_demo.py` with the scoring engine): this
module imports nothing of the scoring service.

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
from services.indicators.models import Cluster, Panel, WeightProfile
from services.indicators.observations.service import import_observations
from services.indicators.panels.service import create_panel, panel_snapshot, write_judgment
from services.indicators.profiles.service import publish_profile
from shared.auth import Principal
from shared.schemas.indicators import ClusterRead, CriterionNode, ImportResult, IndicatorRead
from shared.schemas.panels import ExpertCreate, JudgmentWrite, PanelCreate, WeightProfileCreate

DEMO_DIR = Path(__file__).resolve().parent
DEMO_ACTOR = Principal(key_id=None, name="demo-loader", role="admin")
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


def read_panels(path: Path = DEMO_DIR / "panels.yaml") -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["panels"]
    return panels


def read_profiles(path: Path = DEMO_DIR / "profiles.yaml") -> list[dict[str, Any]]:
    profiles: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["profiles"]
    return profiles


def panel_code(category: str) -> str:
    return "DEMO-" + category.upper().replace("_", "-")


def load_panel(session: Session, source: dict[str, Any], *, actor: Principal = DEMO_ACTOR) -> Panel:
    """One panel of panels.yaml with its experts, and every expert's judgments written as the expert would."""
    panel = create_panel(
        session,
        data=PanelCreate(
            code=panel_code(source["category"]),
            name=source["name"],
            name_zh=source["name_zh"],
            category=source["category"],
            experts=[
                ExpertCreate(code=expert["expert_code"], name=expert["name"], name_zh=expert["name_zh"])
                for expert in source["experts"]
            ],
        ),
        actor=actor,
    )
    for expert in source["experts"]:
        for node, judgment in expert["judgments"].items():
            write_judgment(
                session,
                panel_id=panel.id,
                expert_code=expert["expert_code"],
                node=node,
                data=JudgmentWrite.model_validate({**judgment, "version": 0}),
                actor=actor,
            )
    return panel


def publish_profile_of(
    session: Session, source: dict[str, Any], *, panels: dict[str, Panel], actor: Principal = DEMO_ACTOR
) -> WeightProfile:
    """One profile of profiles.yaml, published with the stored judgments of its panels as its snapshot."""
    members = [panels[category] for category in source["panels"]]
    body = {key: value for key, value in source.items() if key != "panels"}
    body["panel_id"] = members[0].id if len(members) == 1 else None
    body["judgments"] = panel_snapshot(session, panel_ids=[panel.id for panel in members])
    return publish_profile(session, data=WeightProfileCreate.model_validate(body), actor=actor)


def load_panels(session: Session, *, actor: Principal = DEMO_ACTOR) -> list[WeightProfile]:
    """Each category's demo panel, then the profiles of profiles.yaml that are not published yet."""
    existing = set(session.scalars(select(Panel.code)))
    for source in read_panels():
        if panel_code(source["category"]) not in existing:
            load_panel(session, source, actor=actor)
    session.flush()
    panels = {
        panel.category: panel
        for panel in session.scalars(select(Panel).where(Panel.code.startswith("DEMO-")).order_by(Panel.id))
        if panel.category is not None
    }
    published_names = set(session.scalars(select(WeightProfile.name)))
    return [
        publish_profile_of(session, source, panels=panels, actor=actor)
        for source in read_profiles()
        if source["name"] not in published_names and all(category in panels for category in source["panels"])
    ]


def load_demo(session: Session, *, actor: Principal = DEMO_ACTOR) -> ImportResult:
    """Tree and clusters as an admin would create them, observations.csv exactly as a user's import, then panels."""
    upsert_tree(session, nodes=read_indicator_system(), actor=actor)
    existing = set(session.scalars(select(Cluster.code)))
    for cluster in read_clusters():
        if cluster.code not in existing:
            create_cluster(session, data=cluster, actor=actor)
    session.flush()
    csv_path = DEMO_DIR / "observations.csv"
    result = import_observations(
        session, content=csv_path.read_bytes(), filename=csv_path.name, dry_run=False, actor=actor
    )
    load_panels(session, actor=actor)
    return result


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
