"""The scoring service: AHP, weights, TOPSIS and the other MCDA methods, sensitivity, rankings and exports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.scoring.config import ScoringSettings, get_settings
from shared.app import create_service_app, upstream_check
from shared.cache import make_cache
from shared.clients import IndicatorsClient, RemoteKeyResolver


def _upstreams(app: FastAPI) -> dict[str, str]:
    client: IndicatorsClient = app.state.indicators
    return upstream_check("indicators", lambda: client.request("GET", "/healthz"))


def create_app(settings: ScoringSettings | None = None, *, indicators: IndicatorsClient | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.cache = make_cache(settings.redis_url)
        app.state.indicators = indicators or IndicatorsClient(
            settings.indicators_url, cache=app.state.cache, timeout=settings.http_timeout_seconds
        )
        app.state.key_resolver = RemoteKeyResolver(app.state.indicators)
        yield
        if indicators is None:
            app.state.indicators.close()

    app = create_service_app(
        title="Scoring service",
        description="AHP for expert panels, objective and combined weights, TOPSIS and other MCDA methods, "
        "sensitivity analysis, rankings of stored data and their exports. Every /v1 endpoint needs an `X-API-Key`.",
        settings=settings,
        lifespan=lifespan,
        readiness=_upstreams,
    )
    return app


app = create_app()
