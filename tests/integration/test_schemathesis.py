"""Fuzzing every service's operations from its OpenAPI document (schemathesis): no 5xx, answers as documented."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from services.indicators.main import create_app as create_indicators_app
from services.recommendations.config import RecommendationsSettings
from services.recommendations.main import create_app as create_recommendations_app
from services.scoring.config import ScoringSettings
from services.scoring.main import create_app as create_scoring_app
from tests.support.environment import ADMIN_KEY, indicators_settings
from tests.support.ports import free_port
from tests.support.processes import Managed, uvicorn
from tests.support.readiness import http_ok

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

# `make test` runs 50 examples per operation; `make fuzz` a deeper run (FUZZ_EXAMPLES=400).
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
# The examples, coverage and fuzzing phases (fuzzing bounded to MAX_EXAMPLES); stateful runs would multiply the time.
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES},
        "phases": {"stateful": {"enabled": False}},
    }
)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]
AUTH = {"X-API-Key": ADMIN_KEY}
BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32's lazy loader reads `Node._nodeid`, which pytest 9 replaced by `Node._id`."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture(scope="module")
def demo_copy(demo_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("fuzz") / "indicators.sqlite3"
    path.write_bytes(demo_sqlite_template.read_bytes())
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def indicators_app(demo_copy: str) -> FastAPI:
    # No rate limit: the fuzzer sends thousands of requests with one key.
    return create_indicators_app(indicators_settings(demo_copy, rate_limit_per_minute=0))


@pytest.fixture(scope="module")
def upstreams(demo_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The platform as real processes, for the scoring and recommendation apps under test to call."""
    path = tmp_path_factory.mktemp("upstreams") / "indicators.sqlite3"
    path.write_bytes(demo_sqlite_template.read_bytes())
    ports = {name: free_port() for name in ("indicators", "scoring", "recommendations")}
    urls = {f"{name}_url": f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {
        **os.environ,
        **{key.upper(): url for key, url in urls.items()},
        "DATABASE_URL": f"sqlite:///{path}",
        "ADMIN_API_KEY": ADMIN_KEY,
        "ENV": "test",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PER_MINUTE": "0",
    }
    processes = [
        Managed(name, port, uvicorn(f"services.{name}.main", port), env, http_ok(f"http://127.0.0.1:{port}/healthz"))
        for name, port in ports.items()
    ]
    try:
        for process in processes:
            process.start()
        yield urls
    finally:
        for process in reversed(processes):
            process.stop()


def common(**overrides: Any) -> dict[str, Any]:
    return {"admin_api_key": ADMIN_KEY, "env": "test", "log_level": "WARNING", "rate_limit_per_minute": 0, **overrides}


@pytest.fixture(scope="module")
def indicators_schema(indicators_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", indicators_app, config=CONFIG)


@pytest.fixture(scope="module")
def scoring_schema(upstreams: dict[str, str]) -> Any:
    app = create_scoring_app(ScoringSettings(**common(**upstreams)))
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


@pytest.fixture(scope="module")
def recommendations_schema(upstreams: dict[str, str]) -> Any:
    app = create_recommendations_app(RecommendationsSettings(**common(**upstreams)))
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


indicators = schemathesis.pytest.from_fixture("indicators_schema")
scoring = schemathesis.pytest.from_fixture("scoring_schema")
recommendations = schemathesis.pytest.from_fixture("recommendations_schema")


@BOUNDED
@indicators.parametrize()
def test_indicators(case: Any) -> None:
    case.call_and_validate(headers=AUTH, checks=CHECKS)


@BOUNDED
@scoring.parametrize()
def test_scoring(case: Any) -> None:
    case.call_and_validate(headers=AUTH, checks=CHECKS)


@BOUNDED
@recommendations.parametrize()
def test_recommendations(case: Any) -> None:
    case.call_and_validate(headers=AUTH, checks=CHECKS)


# What the fuzzing found, pinned down.


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/datasets/9223372036854775808/version"), ("DELETE", "/v1/api-keys/9223372036854775808")],
)
def test_an_id_beyond_the_database_integers_is_422_not_500(
    indicators_client: TestClient, method: str, path: str
) -> None:
    response = indicators_client.request(method, path)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "out of range" in response.json()["detail"]


def test_an_export_named_after_a_non_latin_code_is_served(indicators_client: TestClient) -> None:
    response = indicators_client.get("/v1/observations/export", params={"cluster_code": "上海-IC"})
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert 'filename="observations-__-IC.csv"' in disposition
    assert "filename*=UTF-8''observations-%E4%B8%8A%E6%B5%B7-IC.csv" in disposition


def test_times_carry_their_time_zone_on_sqlite(indicators_client: TestClient) -> None:
    header = "cluster_code,indicator_code,year,value\n"
    body = (header + "SH-IC,C1.1,2024,5.9\n").encode()
    assert indicators_client.post("/v1/observations/import", files={"file": ("d.csv", body)}).status_code == 200
    changed_at = indicators_client.get("/v1/observations/history").json()[0]["changed_at"]
    audited_at = indicators_client.get("/v1/audit").json()[0]["at"]
    for stamp in (changed_at, audited_at):
        assert datetime.fromisoformat(stamp).utcoffset() == timedelta(0), stamp
