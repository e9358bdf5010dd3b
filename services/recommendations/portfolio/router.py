"""GET /v1/recommendations/portfolio: the actions, policy paths and indicators that recur in a year, by category."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.recommendations.advice.service import AdviceRequest
from services.recommendations.deps import CacheDep, SettingsDep, UpstreamsDep
from services.recommendations.portfolio import service
from shared.auth import Viewer
from shared.schemas.recommendations import Portfolio
from shared.schemas.vocabulary import Lang

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"])


@router.get(
    "/portfolio",
    response_model=Portfolio,
    summary="What recurs across a year's recommendations, by category: policy paths, actions, indicators",
    responses={
        404: {"description": "Unknown year or profile (problem+json)."},
        503: {"description": "The scoring or indicator service did not answer (problem+json naming it)."},
    },
)
def year_portfolio(
    _: Viewer,
    upstreams: UpstreamsDep,
    cache: CacheDep,
    settings: SettingsDep,
    year: Annotated[int, Query(description="Year of the data.", examples=[2024])],
    profile: Annotated[int | None, Query(description="Weight profile id; default: the default profile.")] = None,
    lang: Annotated[Lang, Query(description="Language of the names and titles: en or zh.")] = "en",
) -> Portfolio:
    """For the annual review: per category (the three paths of the analysis), how many clusters each policy path's
    actions reach, which actions recur and on which clusters, and which indicators are weaknesses, actions or data
    gaps most often; counted from the year's recommendations as `GET /v1/recommendations` gives them."""
    request = AdviceRequest(
        year=year, profile_id=profile, lang=lang, cluster_code=None, materiality=settings.materiality_threshold
    )
    return service.portfolio(
        upstreams,
        cache,
        request,
        top_n=settings.what_if_top_n,
        ttl_seconds=settings.recommendations_ttl_seconds,
    )
