"""The recommendation service: from a ranking to each cluster's gaps, strengths and actions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.recommendations.config import RecommendationsSettings, get_settings
from shared.app import create_service_app, upstream_check
from shared.cache import make_cache
from shared.clients import IndicatorsClient, RemoteKeyResolver


def _upstreams(app: FastAPI) -> dict[str, str]:
    client: IndicatorsClient = app.state.indicators
    return upstream_check("indicators", lambda: client.request("GET", "/healthz"))


def create_app(
    settings: RecommendationsSettings | None = None, *, indicators: IndicatorsClient | None = None
) -> FastAPI:
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

    return create_service_app(
        title="Recommendation service",
        description="Each cluster's gaps to its category's peers, its strengths, and actions from the policy "
        "paths of its category. Every /v1 endpoint needs an `X-API-Key`.",
        settings=settings,
        lifespan=lifespan,
        readiness=_upstreams,
    )


app = create_app()
