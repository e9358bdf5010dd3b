"""ENV=production: every service refuses to start without an admin key or with a wildcard CORS origin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.indicators.config import IndicatorsSettings
from services.indicators.main import create_app as create_indicators_app
from services.recommendations.config import RecommendationsSettings
from services.recommendations.main import create_app as create_recommendations_app
from services.scoring.config import ScoringSettings
from services.scoring.main import create_app as create_scoring_app

AppFactory = Callable[[dict[str, Any]], FastAPI]


def indicators(fields: dict[str, Any]) -> FastAPI:
    return create_indicators_app(IndicatorsSettings(**fields))


def scoring(fields: dict[str, Any]) -> FastAPI:
    return create_scoring_app(ScoringSettings(**fields))


def recommendations(fields: dict[str, Any]) -> FastAPI:
    return create_recommendations_app(RecommendationsSettings(**fields))


SERVICES = pytest.mark.parametrize("factory", [indicators, scoring, recommendations], ids=lambda f: f.__name__)
PROPER = {"env": "production", "admin_api_key": "a-long-production-key", "log_level": "WARNING"}


@SERVICES
def test_production_without_admin_key_refuses_to_start(factory: AppFactory) -> None:
    with pytest.raises(RuntimeError, match="ADMIN_API_KEY"):
        factory({**PROPER, "admin_api_key": None})


@SERVICES
def test_production_with_an_empty_admin_key_refuses_to_start(factory: AppFactory) -> None:
    with pytest.raises(RuntimeError, match="ADMIN_API_KEY"):
        factory({**PROPER, "admin_api_key": ""})


@SERVICES
def test_production_with_a_wildcard_cors_origin_refuses_to_start(factory: AppFactory) -> None:
    with pytest.raises(RuntimeError, match="wildcard CORS"):
        factory({**PROPER, "cors_origins": ["https://amc.example", "*"]})


@SERVICES
def test_production_refuses_settings_read_from_the_environment(
    factory: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENV", "production")
    monkeypatch.delenv("ADMIN_API_KEY", raising=False)
    with pytest.raises(RuntimeError, match="ADMIN_API_KEY"):
        factory({})


@SERVICES
def test_proper_production_settings_start(factory: AppFactory, demo_sqlite_url: str) -> None:
    app = factory({**PROPER, "cors_origins": ["https://amc.example"], "database_url": demo_sqlite_url})
    with TestClient(app) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/v1/clusters").status_code in (401, 404)


@SERVICES
def test_development_needs_neither(factory: AppFactory, demo_sqlite_url: str) -> None:
    app = factory(
        {"env": "development", "cors_origins": ["*"], "database_url": demo_sqlite_url, "log_level": "WARNING"}
    )
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
