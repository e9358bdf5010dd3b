"""Builds a service's FastAPI app the same way everywhere: health, problem+json errors, request ids, CORS."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import shared
from shared.errors import DomainError
from shared.logging import configure_logging, request_id_middleware
from shared.problems import install_problem_handlers
from shared.settings import CommonSettings

ReadinessCheck = Callable[[FastAPI], dict[str, str]]


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
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    readiness: ReadinessCheck | None = None,
    openapi_tags: list[dict[str, Any]] | None = None,
) -> FastAPI:
    check_production_settings(settings)
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    app = FastAPI(
        title=title,
        description=description,
        version=shared.__version__,
        lifespan=lifespan,
        openapi_tags=openapi_tags,
        responses={
            401: {"description": "Missing or unknown API key (problem+json)."},
            403: {"description": "The key's role does not allow this (problem+json)."},
            422: {"description": "Invalid input (problem+json with `errors`)."},
        },
    )
    app.state.settings = settings
    install_problem_handlers(app)
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

    return app


def upstream_check(name: str, probe: Callable[[], object]) -> dict[str, str]:
    try:
        probe()
    except (DomainError, OSError) as exc:
        return {name: f"unavailable: {exc}"}
    return {name: "ok"}
