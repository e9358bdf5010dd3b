"""A year's observations as one matrix (clusters × indicators) with a version that changes with any value."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.indicators.models import Cluster, Criterion, DatasetRevision, Indicator, Observation
from shared.errors import NotFound
from shared.schemas.indicators import DatasetRead, DatasetVersion


def list_versions(session: Session) -> list[DatasetVersion]:
    return [
        DatasetVersion(year=r.year, version=r.version)
        for r in session.scalars(select(DatasetRevision).order_by(DatasetRevision.year))
    ]


def get_revision(session: Session, year: int) -> DatasetRevision:
    revision = session.get(DatasetRevision, year)
    if revision is None:
        raise NotFound(f"no observations for the year {year}")
    return revision


def build_dataset(session: Session, revision: DatasetRevision) -> DatasetRead:
    clusters = session.execute(select(Cluster.id, Cluster.code).order_by(Cluster.code)).all()
    indicators = session.execute(
        select(Indicator.id, Indicator.code)
        .join(Criterion, Criterion.id == Indicator.criterion_id)
        .order_by(Criterion.position, Indicator.position)
    ).all()
    row_of = {cid: r for r, (cid, _) in enumerate(clusters)}
    col_of = {iid: c for c, (iid, _) in enumerate(indicators)}
    values: list[list[float | None]] = [[None] * len(indicators) for _ in clusters]
    observations = select(Observation.cluster_id, Observation.indicator_id, Observation.value).where(
        Observation.year == revision.year
    )
    for cluster_id, indicator_id, value in session.execute(observations):
        values[row_of[cluster_id]][col_of[indicator_id]] = value
    return DatasetRead(
        year=revision.year,
        version=revision.version,
        synthetic=revision.synthetic,
        clusters=[code for _, code in clusters],
        indicators=[code for _, code in indicators],
        values=values,
    )
