"""The real PostgreSQL of the tests and benchmarks: its admin DSN and scratch databases on it."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg

PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A database made for the block and dropped after it; yields its SQLAlchemy URL.

    Raises psycopg.Error (before yielding) when PostgreSQL does not answer within 5 s.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
