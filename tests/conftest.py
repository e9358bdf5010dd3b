"""Fixtures shared by the whole suite: databases (SQLite per test, PostgreSQL per run), Redis, service apps."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from services.indicators.config import IndicatorsSettings
from services.indicators.db import make_engine, make_session_factory
from services.indicators.demo.load import load_demo
from services.indicators.main import create_app as create_indicators_app
from services.indicators.prestart import alembic_config

ADMIN_KEY = "test-admin-key"
PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str, exc: Exception) -> None:
    """In CI a missing PostgreSQL or Redis is a failure, never a skip; on a laptop it is a skip."""
    message = f"{what} does not answer: {exc}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A database of this run on the real PostgreSQL, dropped at the end; yields its SQLAlchemy URL."""
    name = f"amc_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        unavailable("PostgreSQL at 127.0.0.1:5432", exc)
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A clean, unmigrated schema for one test: the run's database emptied before and after."""

    def reset() -> None:
        dsn = postgres_server.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")

    reset()
    yield postgres_server
    reset()


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        unavailable("Redis at 127.0.0.1:6379", exc)
    return REDIS_TEST_URL


def migrate(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def load_demo_into(url: str) -> None:
    engine = make_engine(url)
    with make_session_factory(engine)() as session, session.begin():
        load_demo(session)
    engine.dispose()


@pytest.fixture(scope="session")
def demo_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file with the demo data, copied for each test that needs it."""
    path = tmp_path_factory.mktemp("template") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    migrate(url)
    load_demo_into(url)
    return path


@pytest.fixture
def demo_sqlite_url(demo_sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "indicators.sqlite3"
    shutil.copy(demo_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def empty_sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    migrate(url)
    return url


def indicators_settings(database_url: str, **overrides: object) -> IndicatorsSettings:
    return IndicatorsSettings(
        database_url=database_url, admin_api_key=ADMIN_KEY, env="test", log_level="WARNING", **overrides
    )


@pytest.fixture
def indicators_client(demo_sqlite_url: str) -> Iterator[TestClient]:
    """The indicator service through its ASGI app, on a copy of the demo database, with the admin key."""
    app = create_indicators_app(indicators_settings(demo_sqlite_url))
    with TestClient(app, headers={"X-API-Key": ADMIN_KEY}) as client:
        yield client


@pytest.fixture
def indicators_session(indicators_client: TestClient) -> Iterator[Session]:
    """A session on the same database as `indicators_client`, to look behind the API."""
    factory = indicators_client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        yield session


@pytest.fixture
def scoring_client(indicators_client: TestClient) -> Iterator[TestClient]:
    """The scoring service through its ASGI app, reading the indicator service's ASGI app (demo data)."""
    from services.scoring.config import ScoringSettings
    from services.scoring.main import create_app as create_scoring_app
    from shared.cache import MemoryCache
    from shared.clients import IndicatorsClient

    indicators = IndicatorsClient("http://indicators", http=indicators_client, cache=MemoryCache())
    settings = ScoringSettings(admin_api_key=ADMIN_KEY, env="test", log_level="WARNING")
    with TestClient(create_scoring_app(settings, indicators=indicators), headers={"X-API-Key": ADMIN_KEY}) as client:
        yield client


@pytest.fixture
def recommendations_client(indicators_client: TestClient, scoring_client: TestClient) -> Iterator[TestClient]:
    """The recommendation service through its ASGI app, reading the indicator and scoring ASGI apps (demo data)."""
    from services.recommendations.config import RecommendationsSettings
    from services.recommendations.main import create_app as create_recommendations_app
    from shared.cache import MemoryCache
    from shared.clients import IndicatorsClient, ScoringClient

    indicators = IndicatorsClient("http://indicators", http=indicators_client, cache=MemoryCache())
    scoring = ScoringClient("http://scoring", http=scoring_client, cache=MemoryCache())
    settings = RecommendationsSettings(admin_api_key=ADMIN_KEY, env="test", log_level="WARNING")
    app = create_recommendations_app(settings, indicators=indicators, scoring=scoring)
    with TestClient(app, headers={"X-API-Key": ADMIN_KEY}) as client:
        yield client
