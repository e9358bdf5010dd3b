"""Builds a service's FastAPI app the same way everywhere: health, problem+json errors, request ids, CORS."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import shared
from shared.cache import connect_redis
from shared.errors import DomainError
from shared.limits import RequestSizeLimit, make_rate_limiter
from shared.logging import configure_logging, request_id_middleware
from shared.problems import document_problems, install_problem_handlers
from shared.settings import CommonSettings

ReadinessCheck = Callable[[FastAPI], dict[str, str]]
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class Health(BaseModel):
    status: str = Field(description="`ok` when the process is up.")


class Readiness(BaseModel):
    status: str = Field(description="`ok` when every dependency answers, else `unavailable`.")
    checks: dict[str, str] = Field(description="Each dependency and what it answered.")


def check_production_settings(settings: CommonSettings) -> None:
    """In production a service refuses to start without an admin key or with a wildcard CORS origin."""
    if settings.env != "production":
        return
    if not settings.admin_api_key:
        raise RuntimeError("ENV=production needs ADMIN_API_KEY to be set")
    if "*" in settings.cors_origins:
        raise RuntimeError("ENV=production does not allow a wildcard CORS origin")


def create_service_app(
    *,
    title: str,
    description: str,
    settings: CommonSettings,
    lifespan: Lifespan | None = None,
    readiness: ReadinessCheck | None = None,
    openapi_tags: list[dict[str, Any]] | None = None,
    upstream_problems: bool = False,
    writes_conflict: bool = False,
) -> FastAPI:
    """One service's app: problem handlers, limits, request ids, health and readiness, a documented error model.

    `upstream_problems`: the service asks another for every call (keys included), so every /v1 operation may
    answer 503 naming the upstream that did not answer; `writes_conflict`: the service stores data, so every
    write may answer 409.
    """
    check_production_settings(settings)
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    app = FastAPI(
        title=title,
        description=description,
        version=shared.__version__,
        lifespan=_with_redis(lifespan, settings, namespace=re.sub(r"[^a-z0-9]+", "-", title.lower())),
        openapi_tags=openapi_tags,
    )
    app.state.settings = settings
    install_problem_handlers(app)
    # Added first, so it runs inside the request-id and CORS middleware and its 413 carries their headers.
    app.add_middleware(RequestSizeLimit, max_bytes=settings.max_request_bytes)
    app.middleware("http")(request_id_middleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
        )

    @app.get("/healthz", response_model=Health, tags=["health"])
    def healthz() -> Health:
        """200 while the process is up."""
        return Health(status="ok")

    @app.get("/readyz", response_model=Readiness, tags=["health"], responses={503: {"model": Readiness}})
    def readyz() -> Any:
        """200 when the service's database or upstreams answer, else 503 naming what is missing."""
        checks = readiness(app) if readiness else {}
        ok = all(value == "ok" for value in checks.values())
        body = Readiness(status="ok" if ok else "unavailable", checks=checks)
        return JSONResponse(body.model_dump(), status_code=200 if ok else 503)

    extra = {503: "An upstream service did not answer in time (problem+json naming it)."} if upstream_problems else {}
    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(build_openapi(), extra=extra, writes_conflict=writes_conflict)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _with_redis(lifespan: Lifespan | None, settings: CommonSettings, *, namespace: str) -> Lifespan:
    """The service's lifespan inside the one that owns the process's Redis client.

    The client (None without REDIS_URL) is made at start as `app.state.redis`, for the service's lifespan to hand to
    its cache and state channel; the rate limiter read by shared.auth is made on it here (every instance of a
    service shares one budget per key through Redis), unless one was set on the app before it started (a test's).
    The client is closed when the service stops, after the service's own lifespan has ended.
    """

    @asynccontextmanager
    async def platform_lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = connect_redis(settings.redis_url, name=namespace)
        app.state.redis = client
        own_limiter = getattr(app.state, "rate_limiter", None) is None
        if own_limiter:
            app.state.rate_limiter = make_rate_limiter(client, settings.rate_limit_per_minute, namespace=namespace)
        try:
            if lifespan is None:
                yield
            else:
                async with lifespan(app):
                    yield
        finally:
            if own_limiter:
                app.state.rate_limiter = None
            app.state.redis = None
            if client is not None:
                client.close()

    return platform_lifespan


def upstream_check(name: str, probe: Callable[[], object]) -> dict[str, str]:
    try:
        probe()
    except (DomainError, OSError) as exc:
        return {name: f"unavailable: {exc}"}
    return {name: "ok"}
