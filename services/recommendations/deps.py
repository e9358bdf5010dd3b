"""Injected dependencies of the recommendation service.

The getters are async: they only read app.state, and a sync dependency would cost a thread-pool hop per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.recommendations.advice.service import Upstreams
from services.recommendations.config import RecommendationsSettings
from shared.cache import Cache


async def get_upstreams(request: Request) -> Upstreams:
    """The clients made in the lifespan and the rule book; the clients forward the caller's key themselves."""
    state = request.app.state
    return Upstreams(
        indicators=state.indicators,
        scoring=state.scoring,
        rule_book=state.rule_book,
        scoring_batch=state.scoring_batch,
    )


async def get_cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


async def get_settings(request: Request) -> RecommendationsSettings:
    settings: RecommendationsSettings = request.app.state.settings
    return settings


UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
CacheDep = Annotated[Cache, Depends(get_cache)]
SettingsDep = Annotated[RecommendationsSettings, Depends(get_settings)]
