"""The recommendation service: from a ranking to each cluster's gaps, strengths and actions."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from services.recommendations.advice.router import router as advice_router
from services.recommendations.advice.rulebook import RuleBook, catalog_token
from services.recommendations.config import RecommendationsSettings, get_settings
from services.recommendations.plans.router import router as plans_router
from services.recommendations.portfolio.router import router as portfolio_router
from shared.app import create_service_app, upstream_check
from shared.cache import make_cache
from shared.clients import IndicatorsClient, RemoteKeyResolver, ScoringClient
from shared.errors import DomainError
from shared.state_channel import make_state_channel

log = logging.getLogger(__name__)


def _upstreams(app: FastAPI) -> dict[str, str]:
    indicators: IndicatorsClient = app.state.indicators
    scoring: ScoringClient = app.state.scoring
    return {
        **upstream_check("indicators", lambda: indicators.request("GET", "/healthz")),
        **upstream_check("scoring", lambda: scoring.request("GET", "/healthz")),
    }


def open_rule_book(settings: RecommendationsSettings, indicators: IndicatorsClient) -> RuleBook:
    """Check the rule base before serving (RuleBaseError stops the start): its structure always, and its codes and
    coverage against the indicator service's tree when that answers now (see advice.rulebook for the fallback)."""
    rule_book = RuleBook(settings.rules_path)
    if not settings.admin_api_key:
        log.warning("no ADMIN_API_KEY to read the indicator tree with: the rule base is checked on the first request")
        return rule_book
    try:
        state = indicators.state(api_key=settings.admin_api_key)
        tree = indicators.indicator_tree(state=state, api_key=settings.admin_api_key)
    except DomainError as exc:
        log.warning("the indicator tree could not be read (%s): the rule base is checked on the first request", exc)
        return rule_book
    rule_book.fitted(tree, token=catalog_token(state))
    return rule_book


def create_app(
    settings: RecommendationsSettings | None = None,
    *,
    indicators: IndicatorsClient | None = None,
    scoring: ScoringClient | None = None,
) -> FastAPI:
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
        app.state.scoring = scoring or ScoringClient(
            settings.scoring_url, cache=app.state.cache, timeout=settings.http_timeout_seconds
        )
        # A year's plans are many computations in one call: the same service, with a deadline that allows them.
        app.state.scoring_batch = scoring or ScoringClient(
            settings.scoring_url, cache=app.state.cache, timeout=max(settings.http_timeout_seconds, 60.0)
        )
        app.state.key_resolver = RemoteKeyResolver(app.state.indicators)
        try:
            app.state.rule_book = await run_in_threadpool(open_rule_book, settings, app.state.indicators)
            yield
        finally:
            if own_channel:  # a client given by the caller keeps no channel on a client that is being closed
                app.state.indicators.state_channel = None
            if indicators is None:
                app.state.indicators.close()
            if scoring is None:
                app.state.scoring.close()
                app.state.scoring_batch.close()

    app = create_service_app(
        title="Recommendation service",
        description="Each cluster's gaps to its category's peers, its strengths, and actions from the policy "
        "paths of its category, ordered by the rank each would gain. Every /v1 endpoint needs an `X-API-Key`.",
        settings=settings,
        lifespan=lifespan,
        readiness=_upstreams,
        upstream_problems=True,
    )
    app.include_router(plans_router)
    app.include_router(portfolio_router)
    app.include_router(advice_router)
    return app


app = create_app()
