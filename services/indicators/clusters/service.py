"""Clusters: the regional groups of firms, institutes and platforms that the platform evaluates."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.indicators.audit.service import record
from services.indicators.models import Cluster
from services.indicators.state.service import renew_catalog_version
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.schemas.indicators import ClusterRead


def list_clusters(session: Session, *, category: str | None = None) -> list[Cluster]:
    query = select(Cluster).order_by(Cluster.code)
    if category:
        query = query.where(Cluster.category == category)
    return list(session.scalars(query))


def get_cluster(session: Session, code: str) -> Cluster:
    cluster = session.scalars(select(Cluster).where(Cluster.code == code)).first()
    if cluster is None:
        raise NotFound(f"no cluster with code {code!r}")
    return cluster


def create_cluster(session: Session, *, data: ClusterRead, actor: Principal) -> Cluster:
    if session.scalars(select(Cluster.id).where(Cluster.code == data.code)).first() is not None:
        raise Conflict(f"a cluster with code {data.code!r} exists already")
    cluster = Cluster(**data.model_dump())
    session.add(cluster)
    session.flush()
    renew_catalog_version(session)
    record(
        session,
        actor=actor.actor,
        action="cluster.create",
        entity="cluster",
        entity_id=data.code,
        after=data.model_dump(),
    )
    return cluster


def update_cluster(session: Session, *, code: str, data: ClusterRead, actor: Principal) -> Cluster:
    cluster = get_cluster(session, code)
    before = ClusterRead.model_validate(cluster).model_dump()
    after = data.model_dump() | {"code": code}
    for field, value in after.items():
        setattr(cluster, field, value)
    renew_catalog_version(session)
    record(
        session,
        actor=actor.actor,
        action="cluster.update",
        entity="cluster",
        entity_id=code,
        before=before,
        after=after,
    )
    return cluster
