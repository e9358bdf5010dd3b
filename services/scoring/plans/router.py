"""POST /v1/rankings/plan and /plans: the fewest peer-bounded indicator changes that bring clusters to a target."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from services.scoring.analyses.service import analysis_answer
from services.scoring.deps import CacheDep, IndicatorsDep, SettingsDep
from services.scoring.plans import service
from shared.auth import Viewer
from shared.cache import validated
from shared.schemas.plans import PlanRequest, PlanResponse, PlansRequest, PlansResponse

router = APIRouter(prefix="/v1/rankings", tags=["analyses"])
_PLAN_BODY = validated(PlanResponse)
_PLANS_BODY = validated(PlansResponse)

PLAN_REQUEST_EXAMPLE: dict[str, Any] = {"year": 2024, "cluster_code": "FS-HOME", "target": "next_tier"}


@router.post(
    "/plan",
    response_model=PlanResponse,
    summary="The fewest indicator changes, each to a value a peer reached, that bring a cluster to a target",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": PLAN_REQUEST_EXAMPLE}}}},
    responses={
        404: {"description": "Unknown year, profile or cluster, or no data for the cluster (problem+json)."},
        422: {"description": "A target not of the forms, a rank beyond the ranking, a relative reference."},
    },
)
def ranking_plan(
    body: PlanRequest, _: Viewer, indicators: IndicatorsDep, cache: CacheDep, settings: SettingsDep
) -> Response:
    """On the ranking's own model (fixed reference): the smallest set of changes that reaches `target`, each
    moving one indicator of the cluster to a value a cluster of the same category observed that year (the `peer`),
    then the least total effort; re-scored with the model. Others keep their scores, since on the fixed reference
    a score depends on the cluster's own values only. `reachable: false` with no changes when no such set exists;
    a target met already is `reachable: true` with no changes."""
    answer = analysis_answer(
        indicators,
        indicators.state(),
        cache,
        body,
        kind="plan",
        analyse=lambda resolved: service.plan(resolved, body),
        decode=_PLAN_BODY,
        ttl_seconds=settings.rankings_ttl_seconds,
    )
    return Response(answer, media_type="application/json")


@router.post(
    "/plans",
    response_model=PlansResponse,
    summary="Plans for many clusters (default: every ranked one) and one target, on one resolution of the model",
    responses={
        404: {"description": "Unknown year, profile or cluster, or no data for a cluster (problem+json)."},
        422: {"description": "A target not of the forms, a rank beyond the ranking, a relative reference."},
    },
)
def ranking_plans(
    body: PlansRequest, _: Viewer, indicators: IndicatorsDep, cache: CacheDep, settings: SettingsDep
) -> Response:
    """As `POST /v1/rankings/plan` for each cluster of `cluster_codes` (default: every cluster the model ranks, in
    the ranking's order): what a year's review sheet needs, with the model resolved once."""
    answer = analysis_answer(
        indicators,
        indicators.state(),
        cache,
        body,
        kind="plans",
        analyse=lambda resolved: service.plans_for(resolved, body),
        decode=_PLANS_BODY,
        ttl_seconds=settings.rankings_ttl_seconds,
    )
    return Response(answer, media_type="application/json")
