"""The default weight profile on PostgreSQL: racing switches and publications are a 200 or a 409, never a 500."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from services.indicators.main import create_app
from tests.support.database import load_demo_into, migrate
from tests.support.environment import ADMIN_KEY, indicators_settings

pytestmark = pytest.mark.integration

WRITERS = 10
PUBLISHERS = 8


@pytest.fixture
def pg_demo_url(postgres_url: str) -> str:
    migrate(postgres_url)
    load_demo_into(postgres_url)
    return postgres_url


@pytest.fixture
def pg_instance(pg_demo_url: str) -> Iterator[TestClient]:
    """The indicator service on the demo data in PostgreSQL; a server error comes back as a 500, not raised."""
    settings = indicators_settings(pg_demo_url, rate_limit_per_minute=0)
    with TestClient(create_app(settings), headers={"X-API-Key": ADMIN_KEY}, raise_server_exceptions=False) as client:
        yield client


def all_at_once(count: int, send: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """`count` threads that each send one request the moment all of them are ready."""
    barrier = threading.Barrier(count)
    responses: list[httpx.Response | None] = [None] * count

    def run(index: int) -> None:
        barrier.wait(timeout=10)
        responses[index] = send(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r is not None for r in responses), "a request did not finish within 60 s"
    return [r for r in responses if r is not None]


def default_ids(url: str) -> list[int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT id FROM weight_profiles WHERE is_default")).scalars())
    finally:
        engine.dispose()


def republished(profile: dict[str, Any], **changes: Any) -> dict[str, Any]:
    read_only = {"id", "is_default", "published_at", "published_by"}
    return {k: v for k, v in profile.items() if k not in read_only} | changes


def assert_200_or_409(responses: list[httpx.Response], *, success: int) -> None:
    codes = [r.status_code for r in responses]
    assert all(code < 500 for code in codes), [r.text for r in responses if r.status_code >= 500]
    assert set(codes) <= {success, 409}, codes
    assert success in codes, codes
    for response in responses:
        if response.status_code == 409:
            assert response.headers["content-type"].startswith("application/problem+json")


def test_ten_default_switches_at_once_leave_one_default(pg_instance: TestClient, pg_demo_url: str) -> None:
    profiles = [p["id"] for p in pg_instance.get("/v1/weight-profiles").json() if not p["is_default"]]
    assert len(profiles) >= 2
    targets = [profiles[i % len(profiles)] for i in range(WRITERS)]

    responses = all_at_once(WRITERS, lambda i: pg_instance.post(f"/v1/weight-profiles/{targets[i]}/default"))

    assert_200_or_409(responses, success=200)
    defaults = default_ids(pg_demo_url)
    assert len(defaults) == 1
    assert defaults[0] in {targets[i] for i, r in enumerate(responses) if r.status_code == 200}
    assert pg_instance.get("/v1/weight-profiles/default").json()["id"] == defaults[0]


def test_eight_publications_with_make_default_at_once_leave_one_default(
    pg_instance: TestClient, pg_demo_url: str
) -> None:
    default = pg_instance.get("/v1/weight-profiles/default").json()
    bodies = [republished(default, name=f"Racing default {i}", make_default=True) for i in range(PUBLISHERS)]

    responses = all_at_once(PUBLISHERS, lambda i: pg_instance.post("/v1/weight-profiles", json=bodies[i]))

    assert_200_or_409(responses, success=201)
    defaults = default_ids(pg_demo_url)
    assert len(defaults) == 1
    assert defaults[0] in {r.json()["id"] for r in responses if r.status_code == 201}
    published = {p["name"] for p in pg_instance.get("/v1/weight-profiles").json()}
    assert published & {b["name"] for b in bodies} == {
        b["name"] for b, r in zip(bodies, responses, strict=True) if r.status_code == 201
    }
