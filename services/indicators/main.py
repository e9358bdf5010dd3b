"""The indicator service: the platform's system of record (clusters, indicator tree, observations, keys, audit)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

from services.indicators.api_keys.router import router as api_keys_router
from services.indicators.api_keys.service import DatabaseKeyResolver
from services.indicators.audit.router import router as audit_router
from services.indicators.clusters.router import router as clusters_router
from services.indicators.config import IndicatorsSettings, get_settings
from services.indicators.datasets.router import router as datasets_router
from services.indicators.db import make_engine, make_session_factory
from services.indicators.indicator_tree.router import router as tree_router
from services.indicators.observations.router import router as observations_router
from services.indicators.panels.router import router as panels_router
from services.indicators.profiles.router import router as profiles_router
from services.indicators.state.router import router as state_router
from shared.app import create_service_app
from shared.cache import make_cache
from shared.state_channel import make_state_channel


def _database_check(app: FastAPI) -> dict[str, str]:
    try:
        with app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not ready"
        return {"database": f"unavailable: {exc.__class__.__name__}"}
    return {"database": "ok"}


def create_app(settings: IndicatorsSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        app.state.engine = engine
        app.state.session_factory = make_session_factory(engine)
        app.state.key_resolver = DatabaseKeyResolver(app.state.session_factory)
        # Both on the process's one Redis client (shared.app opens and closes it around this lifespan).
        app.state.cache = make_cache(app.state.redis)
        app.state.state_channel = make_state_channel(app.state.redis, settings.state_dir)
        try:
            yield
        finally:
            engine.dispose()

    app = create_service_app(
        title="Indicator service",
        description="System of record of the platform: clusters, the indicator tree, observations with their "
        "history, datasets per year, API keys and the audit log. Every /v1 endpoint needs an `X-API-Key`.",
        settings=settings,
        lifespan=lifespan,
        readiness=_database_check,
        writes_conflict=True,
    )
    for router in (
        clusters_router,
        tree_router,
        datasets_router,
        observations_router,
        api_keys_router,
        audit_router,
        state_router,
        panels_router,
        profiles_router,
    ):
        app.include_router(router)
    return app


app = create_app()
