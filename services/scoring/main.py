"""The scoring service: AHP, weights, TOPSIS and the other MCDA methods, sensitivity, rankings and exports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.scoring.ahp.router import router as ahp_router
from services.scoring.analyses.router import router as analyses_router
from services.scoring.config import ScoringSettings, get_settings
from services.scoring.panels.router import router as panels_router
from services.scoring.plans.router import router as plans_router
from services.scoring.rankings.router import router as rankings_router
from services.scoring.rankings.what_if import router as what_if_router
from services.scoring.scores.router import router as scores_router
from services.scoring.sensitivity.router import router as sensitivity_router
from services.scoring.weights.router import router as weights_router
from shared.app import create_service_app, upstream_check
from shared.cache import make_cache
from shared.clients import IndicatorsClient, RecommendationsClient, RemoteKeyResolver
from shared.state_channel import make_state_channel


def _upstreams(app: FastAPI) -> dict[str, str]:
    client: IndicatorsClient = app.state.indicators
    return upstream_check("indicators", lambda: client.request("GET", "/healthz"))


def create_app(settings: ScoringSettings | None = None, *, indicators: IndicatorsClient | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The cache and the state channel on the process's one Redis client (shared.app opens and closes it).
        app.state.cache = make_cache(app.state.redis)
        app.state.indicators = indicators or IndicatorsClient(
            settings.indicators_url, cache=app.state.cache, timeout=settings.http_timeout_seconds
        )
        own_channel = app.state.indicators.state_channel is None
        if own_channel:
            app.state.indicators.state_channel = make_state_channel(app.state.redis, settings.state_dir)
        app.state.key_resolver = RemoteKeyResolver(app.state.indicators)
        # Exports carry each cluster's advice; a longer timeout, as the service diagnoses every cluster.
        recommendations = RecommendationsClient(
            settings.recommendations_url, timeout=max(settings.http_timeout_seconds, 60.0)
        )
        app.state.recommendations = recommendations
        try:
            yield
        finally:
            recommendations.close()
            if own_channel:  # a client given by the caller keeps no channel on a client that is being closed
                app.state.indicators.state_channel = None
            if indicators is None:
                app.state.indicators.close()

    app = create_service_app(
        title="Scoring service",
        description="AHP for expert panels, objective and combined weights, TOPSIS and other MCDA methods, "
        "sensitivity analysis, rankings of stored data and their exports. Every /v1 endpoint needs an `X-API-Key`.",
        settings=settings,
        lifespan=lifespan,
        readiness=_upstreams,
        upstream_problems=True,
    )
    app.include_router(analyses_router)
    app.include_router(plans_router)
    app.include_router(rankings_router)
    app.include_router(what_if_router)
    app.include_router(panels_router)
    app.include_router(ahp_router)
    app.include_router(scores_router)
    app.include_router(sensitivity_router)
    app.include_router(weights_router)
    return app


app = create_app()
