"""Fixtures shared by the whole suite: databases (SQLite per test, PostgreSQL per run), Redis, service apps."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from services.indicators.main import create_app as create_indicators_app
from tests.support.database import load_demo_into, migrate
from tests.support.environment import ADMIN_KEY, indicators_settings, unavailable
from tests.support.postgres import scratch_database
from tests.support.redis import REDIS_TEST_URL


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A database of this run on the real PostgreSQL, dropped at the end; yields its SQLAlchemy URL."""
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(scratch_database("amc_test"))
        except psycopg.Error as exc:
            unavailable("PostgreSQL at 127.0.0.1:5432", exc)
        yield url


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
