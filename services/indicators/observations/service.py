"""Writing observations: all or nothing, replaced values kept in the history, dataset versions renewed."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime

import pandas as pd
from sqlalchemy import insert, select, text, update
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
from services.indicators.observations.importer import IndicatorRule, parse_observations
from services.indicators.state.service import mark_changed
from shared.auth import Principal
from shared.schemas.indicators import ImportResult
from shared.spreadsheet import safe_text

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


def _existing(session: Session, years: list[int]) -> pd.DataFrame:
    query = select(
        Observation.cluster_id,
        Observation.indicator_id,
        Observation.year,
        Observation.id.label("observation_id"),
        Observation.value.label("old_value"),
        Observation.source.label("old_source"),
    ).where(Observation.year.in_(years))
    rows = session.execute(query).all()
    columns = ["cluster_id", "indicator_id", "year", "observation_id", "old_value", "old_source"]
    return pd.DataFrame(rows, columns=columns)


def renew_versions(session: Session, years: set[int]) -> None:
    """Give every changed year a new version token, so caches keyed on the old one are never consulted again."""
    now = utcnow()
    synthetic_years = set(
        session.scalars(
            select(Observation.year)
            .where(Observation.year.in_(sorted(years)), Observation.source.startswith(SYNTHETIC_SOURCE_PREFIX))
            .distinct()
        )
    )
    revisions = {r.year: r for r in session.scalars(select(DatasetRevision).where(DatasetRevision.year.in_(years)))}
    for year in sorted(years):
        revision = revisions.get(year)
        if revision is None:
            revision = DatasetRevision(year=year)
            session.add(revision)
        revision.version = uuid.uuid4().hex[:16]
        revision.synthetic = year in synthetic_years
        revision.updated_at = now
    mark_changed(session)


def _copy_frame(session: Session, table: str, frame: pd.DataFrame) -> None:
    """PostgreSQL COPY through the session's own connection, so it is part of the same transaction."""
    if frame.empty:
        return
    buffer = io.StringIO()
    # In COPY's CSV format an unquoted empty field is NULL; with NULL '\N' an empty source stays an empty string.
    frame.to_csv(buffer, header=False, index=False, na_rep="\\N")
    statement = f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    driver_connection = session.connection().connection.driver_connection
    with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        copy.write(buffer.getvalue())


def import_observations(
    session: Session, *, content: bytes, filename: str | None, dry_run: bool, actor: Principal
) -> ImportResult:
    """Validate the whole file, then write it in the caller's transaction (or only count, on a dry run)."""
    cluster_ids, rules = _lookups(session)
    rows = parse_observations(content, filename, cluster_ids=cluster_ids, indicator_rules=rules).frame
    years = sorted(int(y) for y in rows["year"].unique())
    if not dry_run:
        _serialise_imports(session)
    merged = rows.merge(_existing(session, years), on=["cluster_id", "indicator_id", "year"], how="left")
    is_new = merged["observation_id"].isna()
    changed = ~is_new & ((merged["old_value"] != merged["value"]) | (merged["old_source"] != merged["source"]))
    inserts, updates = merged[is_new], merged[changed]
    result = ImportResult(
        rows=len(rows),
        inserted=len(inserts),
        updated=len(updates),
        unchanged=len(rows) - len(inserts) - len(updates),
        dry_run=dry_run,
        years=years,
    )
    if dry_run or not (len(inserts) or len(updates)):
        return result
    now = utcnow()
    _write(session, inserts=inserts, updates=updates, now=now, actor=actor.actor)
    renew_versions(session, {int(y) for y in pd.concat([inserts["year"], updates["year"]]).unique()})
    sample = updates.head(1000)
    record(
        session,
        actor=actor.actor,
        action="observations.import",
        entity="observations",
        entity_id=filename or "",
        before={"updated_cells": _cells(sample, "old_value", "old_source")},
        after={**result.model_dump(), "updated_cells": _cells(sample, "value", "source")},
    )
    return result


def _cells(frame: pd.DataFrame, value: str, source: str) -> list[dict[str, object]]:
    return [
        {"cluster_id": int(c), "indicator_id": int(i), "year": int(y), "value": float(v), "source": str(s)}
        for c, i, y, v, s in zip(
            frame["cluster_id"], frame["indicator_id"], frame["year"], frame[value], frame[source], strict=True
        )
    ]


def _write(session: Session, *, inserts: pd.DataFrame, updates: pd.DataFrame, now: datetime, actor: str) -> None:
    new_rows = inserts[["cluster_id", "indicator_id", "year", "value", "source"]].assign(updated_at=now)
    history = pd.DataFrame(
        {
            "cluster_id": updates["cluster_id"],
            "indicator_id": updates["indicator_id"],
            "year": updates["year"],
            "old_value": updates["old_value"],
            "new_value": updates["value"],
            "old_source": updates["old_source"],
            "new_source": updates["source"],
            "changed_at": now,
            "actor": actor,
        }
    )
    changes = [
        {"id": int(oid), "value": float(v), "source": str(src), "updated_at": now}
        for oid, v, src in zip(updates["observation_id"], updates["value"], updates["source"], strict=True)
    ]
    if session.get_bind().dialect.name == "postgresql":
        _copy_frame(session, "observations", new_rows)
        _copy_frame(session, "observation_history", history)
        if changes:
            _update_through_staging(session, updates, now)
        return
    if len(new_rows):
        session.execute(insert(Observation), new_rows.to_dict("records"))
    if len(history):
        session.execute(insert(ObservationHistory), history.to_dict("records"))
    if changes:
        session.execute(update(Observation), changes)


def _update_through_staging(session: Session, updates: pd.DataFrame, now: datetime) -> None:
    """Set-based update on PostgreSQL: COPY the new values into a temporary table, then one UPDATE ... FROM."""
    session.execute(
        text(
            "CREATE TEMPORARY TABLE observation_updates "
            "(id integer PRIMARY KEY, value double precision, source varchar(300)) ON COMMIT DROP"
        )
    )
    staged = pd.DataFrame({"id": updates["observation_id"].astype(int), "value": updates["value"],
                           "source": updates["source"]})  # fmt: skip
    _copy_frame(session, "observation_updates", staged)
    session.execute(
        text(
            "UPDATE observations AS o SET value = u.value, source = u.source, updated_at = :now "
            "FROM observation_updates AS u WHERE o.id = u.id"
        ),
        {"now": now},
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
        # The value goes in as a number (csv writes a float by repr), so that only text is neutralised.
        number = value if value != int(value) else int(value)
        writer.writerow([safe_text(cell) for cell in (cluster, indicator, obs_year, number, source)])
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
