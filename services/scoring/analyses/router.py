"""POST /v1/rankings/sensitivity, /uncertainty and /methods: analyses of a published ranking on its own model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from services.scoring.analyses import service
from services.scoring.deps import CacheDep, IndicatorsDep, SettingsDep
from shared.auth import Viewer
from shared.cache import Cache, validated
from shared.clients import IndicatorsClient
from shared.schemas.analyses import (
    AuditResponse,
    MethodsRequest,
    MethodsResponse,
    ModelWeightsRequest,
    ModelWeightsResponse,
    RankingModelRequest,
    RankingSensitivityRequest,
    RankingSensitivityResponse,
    UncertaintyRequest,
    UncertaintyResponse,
)
from shared.schemas.indicators import Category

router = APIRouter(prefix="/v1/rankings", tags=["analyses"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown year or profile (problem+json)."}}


def _answer(
    kind: str,
    indicators: IndicatorsClient,
    cache: Cache,
    ttl_seconds: float,
    body: RankingModelRequest,
    analyse: Callable[[service.ResolvedModel], BaseModel],
) -> Response:
    """The analysis as JSON bytes: the model resolved once, then read through the cache under a key that names
    every input (a cached body that no longer validates is recomputed)."""
    answer = service.analysis_answer(
        indicators,
        indicators.state(),
        cache,
        body,
        kind=kind,
        analyse=analyse,
        decode=DECODERS[kind.split("-")[0]],
        ttl_seconds=ttl_seconds,
    )
    return Response(answer, media_type="application/json")


@router.post("/sensitivity", response_model=RankingSensitivityResponse, responses=NOT_FOUND)
def ranking_sensitivity(
    body: RankingSensitivityRequest, _: Viewer, indicators: IndicatorsDep, cache: CacheDep, settings: SettingsDep
) -> Response:
    """How far the published ranks hold as the criterion weights move (indicators keep their local weights):
    rank acceptability under Dirichlet weights, each cluster's stability interval per criterion, a sweep."""
    return _answer(
        "sensitivity",
        indicators,
        cache,
        settings.rankings_ttl_seconds,
        body,
        lambda resolved: service.sensitivity(resolved, body),
    )


@router.post("/uncertainty", response_model=UncertaintyResponse, responses=NOT_FOUND)
def ranking_uncertainty(
    body: UncertaintyRequest, _: Viewer, indicators: IndicatorsDep, cache: CacheDep, settings: SettingsDep
) -> Response:
    """Each cluster's median rank and 5th–95th percentile interval over Monte Carlo runs of the model, and the
    Sobol indices of each source of uncertainty (weights, panel, imputation, method)."""
    return _answer(
        "uncertainty",
        indicators,
        cache,
        settings.rankings_ttl_seconds,
        body,
        lambda resolved: service.uncertainty(indicators, indicators.state(), resolved, body),
    )


@router.post("/methods", response_model=MethodsResponse, responses=NOT_FOUND)
def ranking_methods(
    body: MethodsRequest, _: Viewer, indicators: IndicatorsDep, cache: CacheDep, settings: SettingsDep
) -> Response:
    """The ranking under other MCDA methods on the same model, their rank correlations, and for each method that
    cannot run, which clusters and indicators made it impossible."""
    return _answer(
        "methods",
        indicators,
        cache,
        settings.rankings_ttl_seconds,
        body,
        lambda resolved: service.methods(resolved, body),
    )


@router.post("/weights", response_model=ModelWeightsResponse, responses=NOT_FOUND)
def ranking_weights(
    body: ModelWeightsRequest, _: Viewer, indicators: IndicatorsDep, cache: CacheDep, settings: SettingsDep
) -> Response:
    """The profile's weights of the ranking's indicators, objective weights of the year's imputed values, and
    their blend (linear or multiplicative)."""
    return _answer(
        "weights",
        indicators,
        cache,
        settings.rankings_ttl_seconds,
        body,
        lambda resolved: service.model_weights(resolved, body),
    )


@router.get("/audit", response_model=AuditResponse, responses=NOT_FOUND)
def ranking_audit(
    _: Viewer,
    indicators: IndicatorsDep,
    cache: CacheDep,
    settings: SettingsDep,
    year: Annotated[int, Query(description="Year of the data.", examples=[2024])],
    profile: Annotated[
        int | None,
        Query(description="Weight profile id; default: the category's default when it has one, else the default."),
    ] = None,
    category: Annotated[Category | None, Query(description="Only this category's clusters.")] = None,
) -> Response:
    """The statistical audit of the year's data behind the published ranking (fixed reference, TOPSIS):
    coverage, outliers (skewness and kurtosis), and coherence (correlations, Cronbach's alpha, PCA)."""
    body = RankingModelRequest(year=year, profile=profile, category=category)
    threshold = settings.coverage_threshold
    return _answer(
        f"audit-{threshold}",
        indicators,
        cache,
        settings.rankings_ttl_seconds,
        body,
        lambda resolved: service.audit_of(resolved, threshold=threshold),
    )


DECODERS = {
    kind: validated(model)
    for kind, model in {
        "sensitivity": RankingSensitivityResponse,
        "uncertainty": UncertaintyResponse,
        "methods": MethodsResponse,
        "weights": ModelWeightsResponse,
        "audit": AuditResponse,
    }.items()
}
