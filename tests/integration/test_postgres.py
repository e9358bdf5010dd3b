"""The indicator service on the real PostgreSQL: migrations both ways, the COPY import path, history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect

from services.indicators.main import create_app
from services.indicators.prestart import alembic_config
from tests.support.database import load_demo_into, migrate
from tests.support.environment import ADMIN_KEY, indicators_settings

pytestmark = pytest.mark.integration


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_up_down_up(backend: str, request: pytest.FixtureRequest, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = request.getfixturevalue("postgres_url") if backend == "postgresql" else f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "head")
    assert {"clusters", "observations", "observation_history", "api_keys", "audit_log"} <= table_names(url)
    command.downgrade(config, "base")
    assert table_names(url) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert "observations" in table_names(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_0005_goes_down_and_up(backend: str, request: pytest.FixtureRequest, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = request.getfixturevalue("postgres_url") if backend == "postgresql" else f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "head")
    load_demo_into(url)

    def profile_columns() -> set[str]:
        engine = create_engine(url)
        try:
            return {c["name"] for c in inspect(engine).get_columns("weight_profiles")}
        finally:
            engine.dispose()

    assert "provenance" in profile_columns()
    assert "category_default_profiles" in table_names(url)
    command.downgrade(config, "0004")
    assert "provenance" not in profile_columns()
    assert "category_default_profiles" not in table_names(url)
    assert "weight_profiles" in table_names(url)
    command.upgrade(config, "head")
    assert "provenance" in profile_columns()


@pytest.fixture
def pg_client(postgres_url: str) -> Iterator[TestClient]:
    migrate(postgres_url)
    load_demo_into(postgres_url)
    with TestClient(create_app(indicators_settings(postgres_url)), headers={"X-API-Key": ADMIN_KEY}) as client:
        yield client


def test_demo_import_and_replacement_on_postgres(pg_client: TestClient) -> None:
    dataset = pg_client.get("/v1/datasets/2024").json()
    assert len(dataset["clusters"]) >= 30
    assert dataset["synthetic"] is True
    header = "cluster_code,indicator_code,year,value,source\n"
    response = pg_client.post(
        "/v1/observations/import",
        files={"file": ("d.csv", (header + "SH-IC,C1.1,2024,5.9,rev\nSH-IC,C1.1,2026,3.0,new\n").encode())},
    )
    assert response.status_code == 200, response.text
    assert (response.json()["inserted"], response.json()["updated"]) == (1, 1)
    history = pg_client.get("/v1/observations/history", params={"cluster_code": "SH-IC"}).json()
    assert history[0]["new_value"] == 5.9
    assert pg_client.get("/v1/datasets/2024").json()["version"] != dataset["version"]


def test_bad_file_writes_nothing_on_postgres(pg_client: TestClient) -> None:
    before = pg_client.get("/v1/datasets/2024").json()
    header = "cluster_code,indicator_code,year,value\n"
    response = pg_client.post(
        "/v1/observations/import",
        files={"file": ("d.csv", (header + "SH-IC,C1.1,2024,5.9\nSH-IC,C2.1,2024,-1\n").encode())},
    )
    assert response.status_code == 422
    assert pg_client.get("/v1/datasets/2024").json() == before


def test_rows_without_a_source_on_postgres(pg_client: TestClient) -> None:
    """COPY's CSV format reads an unquoted empty field as NULL; an empty source must stay an empty string."""
    no_source = "cluster_code,indicator_code,year,value\nSH-IC,C1.1,2024,5.1\nSH-IC,C1.1,2027,2.0\n"
    response = pg_client.post("/v1/observations/import", files={"file": ("d.csv", no_source.encode())})
    assert response.status_code == 200, response.text
    assert (response.json()["inserted"], response.json()["updated"]) == (1, 1)
    empty_source = "cluster_code,indicator_code,year,value,source\nSH-IC,C1.1,2024,5.2,\nSH-IC,C2.1,2027,3,\n"
    response = pg_client.post("/v1/observations/import", files={"file": ("d.csv", empty_source.encode())})
    assert response.status_code == 200, response.text
    exported = pg_client.get("/v1/observations/export", params={"year": 2027}).text
    assert "SH-IC,C1.1,2027,2,\n" in exported
