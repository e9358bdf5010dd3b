"""Injected dependencies of the scoring service.

The getters are async: they only read app.state, and a sync dependency would cost a thread-pool hop per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.scoring.config import ScoringSettings
from shared.cache import Cache
from shared.clients import IndicatorsClient, RecommendationsClient


async def get_indicators(request: Request) -> IndicatorsClient:
    client: IndicatorsClient = request.app.state.indicators
    return client


async def get_recommendations(request: Request) -> RecommendationsClient:
    client: RecommendationsClient = request.app.state.recommendations
    return client


async def get_cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


async def get_settings(request: Request) -> ScoringSettings:
    settings: ScoringSettings = request.app.state.settings
    return settings


IndicatorsDep = Annotated[IndicatorsClient, Depends(get_indicators)]
RecommendationsDep = Annotated[RecommendationsClient, Depends(get_recommendations)]
CacheDep = Annotated[Cache, Depends(get_cache)]
SettingsDep = Annotated[ScoringSettings, Depends(get_settings)]
