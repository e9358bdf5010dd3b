"""Database plumbing of the indicator service: the declarative base, engines and sessions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapper, QueryContext, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_aware_columns: dict[Mapper[Any], list[str]] = {}


def _aware_datetime_keys(mapper: Mapper[Any]) -> list[str]:
    if mapper not in _aware_columns:
        _aware_columns[mapper] = [
            attribute.key
            for attribute in mapper.column_attrs
            if any(isinstance(c.type, DateTime) and c.type.timezone for c in attribute.columns)
        ]
    return _aware_columns[mapper]


def _utc(target: Base) -> None:
    for key in _aware_datetime_keys(target.__mapper__):
        value = target.__dict__.get(key)
        if isinstance(value, datetime) and value.tzinfo is None:
            set_committed_value(target, key, value.replace(tzinfo=UTC))


@event.listens_for(Base, "load", propagate=True)
def _utc_on_load(target: Base, _: QueryContext) -> None:
    """SQLite keeps no time zone: give back the UTC it was written in, so the API never shows a naive time."""
    _utc(target)


@event.listens_for(Base, "refresh", propagate=True)
def _utc_on_refresh(target: Base, _: QueryContext, __: Any) -> None:
    _utc(target)


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_session_factory(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(bind=engine, expire_on_commit=False)
