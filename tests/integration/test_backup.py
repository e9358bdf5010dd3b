"""Backup and restore on SQLite and PostgreSQL, and a migration down and up again that loses nothing."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

from services.indicators.main import create_app
from services.indicators.prestart import alembic_config
from tests.support.database import load_demo_into, migrate
from tests.support.environment import ADMIN_KEY, indicators_settings
from tests.support.paths import ROOT
from tests.support.postgres import PG_ADMIN_DSN

pytestmark = pytest.mark.integration

SCRIPT = ROOT / "infra" / "scripts" / "backup.py"
HEADER = "cluster_code,indicator_code,year,value,source\n"

Snapshot = dict[str, Any]


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def backup(url: str, out: Path) -> None:
    result = run_script("--database-url", url, "backup", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0


def restore(url: str, source: Path) -> None:
    result = run_script("--database-url", url, "restore", "--from", str(source))
    assert result.returncode == 0, result.stderr


def with_changes(url: str) -> str:
    """The demo data plus what a year of use adds: a key, replaced values (history) and their audit entries."""
    migrate(url)
    load_demo_into(url)
    settings = indicators_settings(url, rate_limit_per_minute=0)
    with TestClient(create_app(settings), headers={"X-API-Key": ADMIN_KEY}) as client:
        assert client.post("/v1/api-keys", json={"name": "analyst", "role": "analyst"}).status_code == 201
        body = HEADER + "SH-IC,C1.1,2024,5.9,revised\nSH-IC,C2.1,2024,41,revised\nSH-IC,C1.1,2033,1.25,new\n"
        response = client.post("/v1/observations/import", files={"file": ("changes.csv", body.encode())})
        assert response.status_code == 200, response.text
    return url


def snapshot(url: str, tables: set[str] | None = None) -> Snapshot:
    """Row counts of every table (or of `tables`) and a checksum of the observations."""
    engine = create_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        chosen = names if tables is None else names & tables
        with engine.connect() as connection:
            result: Snapshot = {
                name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in sorted(chosen)
            }
            if "observations" in chosen:
                rows = connection.execute(
                    text(
                        "SELECT cluster_id, indicator_id, year, value, source FROM observations "
                        "ORDER BY cluster_id, indicator_id, year"
                    )
                ).all()
                result["observations_sha256"] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
        return result
    finally:
        engine.dispose()


def assert_demo_shape(state: Snapshot) -> None:
    for table in ("clusters", "observations", "observation_history", "audit_log", "api_keys"):
        assert state[table], f"{table} is empty"


def dataset(url: str, year: int) -> dict[str, object]:
    settings = indicators_settings(url, rate_limit_per_minute=0)
    with TestClient(create_app(settings), headers={"X-API-Key": ADMIN_KEY}) as client:
        response = client.get(f"/v1/datasets/{year}")
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return with_changes(f"sqlite:///{tmp_path / 'live.sqlite3'}")


@pytest.fixture
def pg_url(postgres_url: str) -> str:
    return with_changes(postgres_url)


@pytest.fixture
def fresh_pg_url(postgres_url: str) -> Iterator[str]:
    """A second, empty database on the same server, dropped afterwards."""
    name = f"amc_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sqlite_round_trip_into_a_fresh_database(sqlite_url: str, tmp_path: Path) -> None:
    before = snapshot(sqlite_url)
    assert_demo_shape(before)
    out = tmp_path / "backups" / "indicators.sqlite3.bak"
    backup(sqlite_url, out)
    fresh = f"sqlite:///{tmp_path / 'restored' / 'indicators.sqlite3'}"
    restore(fresh, out)
    assert snapshot(fresh) == before
    assert dataset(fresh, 2024) == dataset(sqlite_url, 2024)


def test_sqlite_backup_is_consistent_while_the_service_writes(sqlite_url: str, tmp_path: Path) -> None:
    before = snapshot(sqlite_url)
    writer = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=10)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id) "
            "VALUES ('2030-01-01 00:00:00', 'test', 'in.flight', 'none', '')"
        )
        out = tmp_path / "during-write.bak"
        backup(sqlite_url, out)  # must neither wait for the writer nor see its uncommitted row
        writer.commit()
    finally:
        writer.close()
    restored = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    restore(restored, out)
    assert snapshot(restored) == before
    assert snapshot(sqlite_url)["audit_log"] == before["audit_log"] + 1


def test_sqlite_restore_refuses_a_file_that_is_not_a_backup(sqlite_url: str, tmp_path: Path) -> None:
    before = snapshot(sqlite_url)
    bogus = tmp_path / "bogus.bak"
    bogus.write_bytes(b"not a database" * 100)
    result = run_script("--database-url", sqlite_url, "restore", "--from", str(bogus))
    assert result.returncode == 1
    assert "not a readable SQLite database" in result.stderr
    assert snapshot(sqlite_url) == before


def small_sqlite_database(path: Path) -> Path:
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE clusters (code TEXT)")
    finally:
        connection.close()
    return path


def assert_one_line_of_reason(result: subprocess.CompletedProcess[str], path: Path) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert str(path) in result.stderr


@pytest.mark.parametrize("where", ["under-a-file", "a-directory", "in-proc"])
def test_backup_to_an_unwritable_path_says_why_in_one_line(where: str, tmp_path: Path) -> None:
    database = small_sqlite_database(tmp_path / "live.sqlite3")
    (tmp_path / "a-file").write_text("")
    (tmp_path / "a-directory").mkdir()
    before = sorted(tmp_path.iterdir())
    # As root a read-only directory is writable; these three fail for every user.
    out = {
        "under-a-file": tmp_path / "a-file" / "indicators.bak",
        "a-directory": tmp_path / "a-directory",
        "in-proc": Path("/proc/indicators.bak"),
    }[where]
    result = run_script("--database-url", f"sqlite:///{database}", "backup", "--out", str(out))
    assert_one_line_of_reason(result, out)
    assert sorted(tmp_path.iterdir()) == before  # no partial file left beside it
    assert not list((tmp_path / "a-directory").iterdir())


def test_restore_into_an_unwritable_path_says_why_in_one_line(tmp_path: Path) -> None:
    source = small_sqlite_database(tmp_path / "indicators.bak")
    (tmp_path / "a-file").write_text("")
    database = tmp_path / "a-file" / "live.sqlite3"
    result = run_script("--database-url", f"sqlite:///{database}", "restore", "--from", str(source))
    assert_one_line_of_reason(result, database)


def test_postgres_round_trip_into_a_fresh_database(pg_url: str, fresh_pg_url: str, tmp_path: Path) -> None:
    before = snapshot(pg_url)
    assert_demo_shape(before)
    out = tmp_path / "indicators.dump"
    backup(pg_url, out)
    assert out.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    restore(fresh_pg_url, out)
    assert snapshot(fresh_pg_url) == before
    assert dataset(fresh_pg_url, 2024) == dataset(pg_url, 2024)
    # Sequences came along: a new key in the restored database does not collide with a restored one.
    settings = indicators_settings(fresh_pg_url, rate_limit_per_minute=0)
    with TestClient(create_app(settings), headers={"X-API-Key": ADMIN_KEY}) as client:
        assert client.post("/v1/api-keys", json={"name": "after", "role": "viewer"}).status_code == 201


def test_postgres_restore_replaces_what_changed_since(pg_url: str, tmp_path: Path) -> None:
    before = snapshot(pg_url)
    out = tmp_path / "indicators.dump"
    backup(pg_url, out)
    settings = indicators_settings(pg_url, rate_limit_per_minute=0)
    with TestClient(create_app(settings), headers={"X-API-Key": ADMIN_KEY}) as client:
        body = HEADER + "SH-IC,C1.1,2024,7.7,later\n"
        assert client.post("/v1/observations/import", files={"file": ("later.csv", body.encode())}).status_code == 200
    assert snapshot(pg_url) != before
    restore(pg_url, out)
    assert snapshot(pg_url) == before


def test_postgres_client_tools_match_the_server(postgres_url: str) -> None:
    """The script refuses client tools older than the server; here they must be at least the server's version."""
    with psycopg.connect(postgres_url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        server = connection.info.server_version // 10000
    for binary in ("pg_dump", "pg_restore"):
        output = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
        assert int(output.split()[-1].split(".")[0]) >= server, output


def previous_revision(url: str) -> str:
    script = ScriptDirectory.from_config(alembic_config(url))
    head = script.get_revision(script.get_current_head() or "head")
    assert head is not None
    return str(head.down_revision or "base")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_down_one_step_and_up_again_loses_nothing(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url: str = request.getfixturevalue("pg_url" if backend == "postgresql" else "sqlite_url")
    before = snapshot(url)
    assert_demo_shape(before)
    out = tmp_path / "before-downgrade.bak"
    backup(url, out)
    config = alembic_config(url)

    command.downgrade(config, previous_revision(url))
    down = snapshot(url)
    kept = {name for name in down if name != "observations_sha256"}
    assert down == {name: before[name] for name in down}, "a table that survives the downgrade changed"

    command.upgrade(config, "head")
    assert snapshot(url, kept) == down, "a table that existed in both states changed on the way back up"
    if "observations" in kept:
        assert snapshot(url)["observations_sha256"] == before["observations_sha256"]

    # What the downgrade dropped (the newer tables' rows) comes back from the backup.
    restore(url, out)
    assert snapshot(url) == before
