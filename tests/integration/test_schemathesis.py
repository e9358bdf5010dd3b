"""Property-based fuzzing of every service's OpenAPI operations (schemathesis): never a 5xx, answers match the
documented schemas. Bounded: at most MAX_EXAMPLES generated cases per operation and phase."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

from services.indicators.main import create_app as create_indicators_app
from services.recommendations.config import RecommendationsSettings
from services.recommendations.main import create_app as create_recommendations_app
from services.scoring.config import ScoringSettings
from services.scoring.main import create_app as create_scoring_app
from shared.clients import IndicatorsClient
from tests.conftest import ADMIN_KEY, indicators_settings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

MAX_EXAMPLES = 25
# The examples, coverage and fuzzing phases, each bounded; stateful link-following would multiply the run time.
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES},
        "phases": {"stateful": {"enabled": False}},
    }
)
CHECKS = [not_a_server_error, response_schema_conformance]
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
def indicators_for_others(indicators_app: FastAPI) -> Iterator[IndicatorsClient]:
    """The other services read from the indicator app in-process, through its ASGI test client."""
    with TestClient(indicators_app) as http:
        client = IndicatorsClient(str(http.base_url), http=http)
        yield client


def common(**overrides: Any) -> dict[str, Any]:
    return {"admin_api_key": ADMIN_KEY, "env": "test", "log_level": "WARNING", "rate_limit_per_minute": 0, **overrides}


@pytest.fixture(scope="module")
def indicators_schema(indicators_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", indicators_app, config=CONFIG)


@pytest.fixture(scope="module")
def scoring_schema(indicators_for_others: IndicatorsClient) -> Any:
    app = create_scoring_app(ScoringSettings(**common()), indicators=indicators_for_others)
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


@pytest.fixture(scope="module")
def recommendations_schema(indicators_for_others: IndicatorsClient) -> Any:
    app = create_recommendations_app(RecommendationsSettings(**common()), indicators=indicators_for_others)
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
