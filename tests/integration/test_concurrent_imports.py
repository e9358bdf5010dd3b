"""Imports on PostgreSQL: two at once take turns (advisory lock) and lose nothing; one killed halfway leaves nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from services.indicators.main import create_app
from services.indicators.observations import service
from tests.support.database import load_demo_into, migrate
from tests.support.environment import ADMIN_KEY, indicators_settings

pytestmark = pytest.mark.integration

HEADER = "cluster_code,indicator_code,year,value,source\n"
TABLES = ("observations", "observation_history", "audit_log", "dataset_revisions")
# Long enough that, without the lock, the second import would read the same old values as the first.
HOLD_SECONDS = 0.6


@pytest.fixture
def pg_demo_url(postgres_url: str) -> str:
    migrate(postgres_url)
    load_demo_into(postgres_url)
    return postgres_url


def instance(url: str) -> TestClient:
    """One app instance of its own on the shared database, as two replicas of the service would be."""
    settings = indicators_settings(url, rate_limit_per_minute=0)
    return TestClient(create_app(settings), headers={"X-API-Key": ADMIN_KEY}, raise_server_exceptions=False)


@pytest.fixture
def two_instances(pg_demo_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    with instance(pg_demo_url) as first, instance(pg_demo_url) as second:
        yield first, second


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}
    finally:
        engine.dispose()


def post_csv(client: TestClient, body: str) -> httpx.Response:
    response: httpx.Response = client.post(
        "/v1/observations/import", files={"file": ("import.csv", body.encode(), "text/csv")}
    )
    return response


def hold_after_reading(monkeypatch: pytest.MonkeyPatch, lock_taken_at: list[float]) -> None:
    """Note when each import holds the lock, and keep it a while after reading the values it will replace."""
    serialise, existing = service._serialise_imports, service._existing

    def timed_serialise(session: Session) -> None:
        serialise(session)
        lock_taken_at.append(time.monotonic())

    def slow_existing(session: Session, years: list[int]) -> Any:
        frame = existing(session, years)
        time.sleep(HOLD_SECONDS)
        return frame

    monkeypatch.setattr(service, "_serialise_imports", timed_serialise)
    monkeypatch.setattr(service, "_existing", slow_existing)


def import_at_once(clients: tuple[TestClient, TestClient], bodies: tuple[str, str]) -> list[httpx.Response]:
    barrier = threading.Barrier(2)
    responses: list[httpx.Response | None] = [None, None]

    def run(index: int) -> None:
        barrier.wait(timeout=10)
        responses[index] = post_csv(clients[index], bodies[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r is not None for r in responses), "an import did not finish within 60 s"
    return [r for r in responses if r is not None]


def cell_history(client: TestClient, cluster: str, indicator: str) -> list[dict[str, Any]]:
    params = {"cluster_code": cluster, "indicator_code": indicator, "year": 2024}
    history: list[dict[str, Any]] = client.get("/v1/observations/history", params=params).json()
    return list(reversed(history))  # oldest first


def dataset_value(client: TestClient, year: int, cluster: str, indicator: str) -> float | None:
    dataset = client.get(f"/v1/datasets/{year}").json()
    value: float | None = dataset["values"][dataset["clusters"].index(cluster)][dataset["indicators"].index(indicator)]
    return value


def test_two_imports_at_once_take_turns_and_lose_nothing(
    two_instances: tuple[TestClient, TestClient], pg_demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two_instances
    original = dataset_value(first, 2024, "SH-IC", "C1.1")
    before = counts(pg_demo_url)
    lock_taken_at: list[float] = []
    hold_after_reading(monkeypatch, lock_taken_at)

    responses = import_at_once(
        two_instances,
        (HEADER + "SH-IC,C1.1,2024,5.5,first\nSH-IC,C1.1,2031,1.5,first\n",
         HEADER + "SH-IC,C1.1,2024,6.6,second\nSH-IC,C2.1,2031,40,second\n"),
    )  # fmt: skip

    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    assert [(r.json()["inserted"], r.json()["updated"]) for r in responses] == [(1, 1), (1, 1)]
    assert len(lock_taken_at) == 2
    assert abs(lock_taken_at[1] - lock_taken_at[0]) >= HOLD_SECONDS * 0.9, "the imports did not take turns"

    history = cell_history(first, "SH-IC", "C1.1")[-2:]
    assert history[0]["old_value"] == original
    assert history[1]["old_value"] == history[0]["new_value"], "the second import did not see the first one's value"
    assert {h["new_value"] for h in history} == {5.5, 6.6}
    assert dataset_value(second, 2024, "SH-IC", "C1.1") == history[1]["new_value"]
    assert dataset_value(second, 2031, "SH-IC", "C1.1") == 1.5
    assert dataset_value(second, 2031, "SH-IC", "C2.1") == 40

    after = counts(pg_demo_url)
    assert after["observations"] == before["observations"] + 2
    assert after["observation_history"] == before["observation_history"] + 2
    assert after["audit_log"] == before["audit_log"] + 2


def test_without_the_lock_the_history_would_lose_a_change(
    two_instances: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same race with the lock taken out: shows that the test above can tell the difference."""
    original = dataset_value(two_instances[0], 2024, "SH-IC", "C1.1")
    lock_taken_at: list[float] = []
    hold_after_reading(monkeypatch, lock_taken_at)
    monkeypatch.setattr(service, "_serialise_imports", lambda session: lock_taken_at.append(time.monotonic()))

    responses = import_at_once(two_instances, (HEADER + "SH-IC,C1.1,2024,5.5,a\n", HEADER + "SH-IC,C1.1,2024,6.6,b\n"))

    assert [r.status_code for r in responses] == [200, 200]
    history = cell_history(two_instances[0], "SH-IC", "C1.1")[-2:]
    assert [h["old_value"] for h in history] == [original, original]


def test_an_import_killed_halfway_leaves_nothing_behind(
    two_instances: tuple[TestClient, TestClient], pg_demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = two_instances[0]
    dataset_before = client.get("/v1/datasets/2024").json()
    before = counts(pg_demo_url)

    def killed(session: Session, years: set[int]) -> None:
        # By now the new rows and the history are COPYed and the updates applied, in the open transaction.
        raise RuntimeError("import killed halfway")

    monkeypatch.setattr(service, "renew_versions", killed)
    body = HEADER + "SH-IC,C1.1,2024,5.9,half\nSH-IC,C1.1,2032,2.0,half\n"
    response = post_csv(client, body)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"

    assert counts(pg_demo_url) == before
    assert client.get("/v1/datasets/2024").json() == dataset_before
    assert client.get("/v1/datasets/2032").status_code == 404

    monkeypatch.undo()
    started = time.monotonic()
    response = post_csv(two_instances[1], body)
    assert response.status_code == 200, response.text
    assert time.monotonic() - started < 10, "the advisory lock of the killed import was not released"
