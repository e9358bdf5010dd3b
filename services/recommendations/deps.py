"""Injected dependencies of the recommendation service."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.recommendations.advice.rulebook import RuleBook
from services.recommendations.config import RecommendationsSettings
from shared.cache import Cache
from shared.clients import IndicatorsClient, ScoringClient


def get_indicators(request: Request) -> IndicatorsClient:
    client: IndicatorsClient = request.app.state.indicators
    return client


def get_scoring(request: Request) -> ScoringClient:
    client: ScoringClient = request.app.state.scoring
    return client


def get_cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


def get_rule_book(request: Request) -> RuleBook:
    rule_book: RuleBook = request.app.state.rule_book
    return rule_book


def get_settings(request: Request) -> RecommendationsSettings:
    settings: RecommendationsSettings = request.app.state.settings
    return settings


IndicatorsDep = Annotated[IndicatorsClient, Depends(get_indicators)]
ScoringDep = Annotated[ScoringClient, Depends(get_scoring)]
CacheDep = Annotated[Cache, Depends(get_cache)]
RuleBookDep = Annotated[RuleBook, Depends(get_rule_book)]
SettingsDep = Annotated[RecommendationsSettings, Depends(get_settings)]
