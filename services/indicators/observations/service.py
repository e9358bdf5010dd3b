"""Writing observations: all or nothing, replaced values kept in the history, dataset versions renewed."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, insert, select, text, update
from sqlalchemy.orm import Session

from services.indicators.audit.service import record
from services.indicators.models import (
    Cluster,
    DatasetRevision,
    Indicator,
    Observation,
    ObservationHistory,
    utcnow,
)
from services.indicators.observations.importer import IndicatorRule, ValidRow, parse_observations
from shared.auth import Principal
from shared.schemas.indicators import ImportResult

SYNTHETIC_SOURCE_PREFIX = "synthetic"
# Any constant works: it only has to be the same for every import, so that two imports take turns.
IMPORT_LOCK_ID = 7_311_2024


def _lookups(session: Session) -> tuple[dict[str, int], dict[str, IndicatorRule]]:
    clusters = dict(session.execute(select(Cluster.code, Cluster.id)).all())
    rules = {
        i.code: IndicatorRule(i.id, i.valid_min, i.valid_max, i.integer, i.unit)
        for i in session.scalars(select(Indicator))
    }
    return clusters, rules


def _serialise_imports(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": IMPORT_LOCK_ID})


def _existing(session: Session, years: set[int]) -> dict[tuple[int, int, int], tuple[int, float, str]]:
    query = select(
        Observation.cluster_id,
        Observation.indicator_id,
        Observation.year,
        Observation.id,
        Observation.value,
        Observation.source,
    ).where(Observation.year.in_(sorted(years)))
    return {(c, i, y): (oid, v, s) for c, i, y, oid, v, s in session.execute(query)}


def renew_versions(session: Session, years: set[int]) -> None:
    """Give every changed year a new version token, so caches keyed on the old one are never consulted again."""
    now = utcnow()
    for year in sorted(years):
        synthetic = session.scalar(
            select(exists().where(Observation.year == year, Observation.source.startswith(SYNTHETIC_SOURCE_PREFIX)))
        )
        revision = session.get(DatasetRevision, year)
        if revision is None:
            revision = DatasetRevision(year=year)
            session.add(revision)
        revision.version = uuid.uuid4().hex[:16]
        revision.synthetic = bool(synthetic)
        revision.updated_at = now


def _copy_rows(session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """PostgreSQL COPY through the session's own connection, so it is part of the same transaction."""
    driver_connection = session.connection().connection.driver_connection
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row(row)


def import_observations(
    session: Session, *, content: bytes, filename: str | None, dry_run: bool, actor: Principal
) -> ImportResult:
    """Validate the whole file, then write it in the caller's transaction (or only count, on a dry run)."""
    cluster_ids, rules = _lookups(session)
    rows = parse_observations(content, filename, cluster_ids=cluster_ids, indicator_rules=rules)
    years = {row.year for row in rows}
    if not dry_run:
        _serialise_imports(session)
    existing = _existing(session, years)
    inserts: list[ValidRow] = []
    updates: list[tuple[ValidRow, int, float, str]] = []
    for row in rows:
        current = existing.get((row.cluster_id, row.indicator_id, row.year))
        if current is None:
            inserts.append(row)
        elif current[1] != row.value or current[2] != row.source:
            updates.append((row, *current))
    result = ImportResult(
        rows=len(rows),
        inserted=len(inserts),
        updated=len(updates),
        unchanged=len(rows) - len(inserts) - len(updates),
        dry_run=dry_run,
        years=sorted(years),
    )
    if dry_run or not (inserts or updates):
        return result
    now = utcnow()
    _write(session, inserts=inserts, updates=updates, now=now, actor=actor.actor)
    renew_versions(session, {r.year for r in inserts} | {u[0].year for u in updates})
    record(
        session,
        actor=actor.actor,
        action="observations.import",
        entity="observations",
        entity_id=filename or "",
        before={"updated_cells": [_cell(u[0], u[2], u[3]) for u in updates[:1000]]},
        after={**result.model_dump(), "updated_cells": [_cell(u[0], u[0].value, u[0].source) for u in updates[:1000]]},
    )
    return result


def _cell(row: ValidRow, value: float, source: str) -> dict[str, object]:
    return {
        "cluster_id": row.cluster_id,
        "indicator_id": row.indicator_id,
        "year": row.year,
        "value": value,
        "source": source,
    }


def _write(
    session: Session,
    *,
    inserts: list[ValidRow],
    updates: list[tuple[ValidRow, int, float, str]],
    now: datetime,
    actor: str,
) -> None:
    history = [
        (row.cluster_id, row.indicator_id, row.year, old_value, row.value, old_source, row.source, now, actor)
        for row, _, old_value, old_source in updates
    ]
    history_columns = (
        "cluster_id",
        "indicator_id",
        "year",
        "old_value",
        "new_value",
        "old_source",
        "new_source",
        "changed_at",
        "actor",
    )
    if session.get_bind().dialect.name == "postgresql":
        _copy_rows(
            session,
            "observations",
            ("cluster_id", "indicator_id", "year", "value", "source", "updated_at"),
            [(r.cluster_id, r.indicator_id, r.year, r.value, r.source, now) for r in inserts],
        )
        _copy_rows(session, "observation_history", history_columns, history)
    else:
        if inserts:
            session.execute(
                insert(Observation),
                [
                    {
                        "cluster_id": r.cluster_id,
                        "indicator_id": r.indicator_id,
                        "year": r.year,
                        "value": r.value,
                        "source": r.source,
                        "updated_at": now,
                    }
                    for r in inserts
                ],
            )
        if history:
            session.execute(insert(ObservationHistory), [dict(zip(history_columns, h, strict=True)) for h in history])
    if updates:
        session.execute(
            update(Observation),
            [{"id": oid, "value": row.value, "source": row.source, "updated_at": now} for row, oid, _, _ in updates],
        )


def export_csv(session: Session, *, year: int | None = None, cluster_code: str | None = None) -> bytes:
    """Observations as CSV (UTF-8 with BOM), in the import format, so an export can be imported again."""
    query = (
        select(Cluster.code, Indicator.code, Observation.year, Observation.value, Observation.source)
        .join(Cluster, Cluster.id == Observation.cluster_id)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .order_by(Observation.year, Cluster.code, Indicator.id)
    )
    if year is not None:
        query = query.where(Observation.year == year)
    if cluster_code is not None:
        query = query.where(Cluster.code == cluster_code)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["cluster_code", "indicator_code", "year", "value", "source"])
    for cluster, indicator, obs_year, value, source in session.execute(query):
        writer.writerow([cluster, indicator, obs_year, repr(value) if value != int(value) else int(value), source])
    return ("\ufeff" + buffer.getvalue()).encode()


def history(
    session: Session, *, cluster_code: str | None, indicator_code: str | None, year: int | None, limit: int
) -> list[tuple[ObservationHistory, str, str]]:
    query = (
        select(ObservationHistory, Cluster.code, Indicator.code)
        .join(Cluster, Cluster.id == ObservationHistory.cluster_id)
        .join(Indicator, Indicator.id == ObservationHistory.indicator_id)
        .order_by(ObservationHistory.id.desc())
        .limit(limit)
    )
    if cluster_code:
        query = query.where(Cluster.code == cluster_code)
    if indicator_code:
        query = query.where(Indicator.code == indicator_code)
    if year is not None:
        query = query.where(ObservationHistory.year == year)
    return [(h, c, i) for h, c, i in session.execute(query)]
