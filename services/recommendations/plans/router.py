"""GET /v1/recommendations/{cluster_code}/plan and /plans: what it takes to reach a target, on the published model."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from services.recommendations.deps import UpstreamsDep
from services.recommendations.plans import service
from shared.auth import Viewer
from shared.schemas.plans import TARGET_HELP, TARGET_MEANING, ClusterPlan
from shared.schemas.vocabulary import Lang

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown cluster, year or profile, or no data for the cluster that year (problem+json)."},
    422: {"description": "A target not of the forms (the problem lists them), or a rank beyond the field."},
    503: {"description": "The scoring or indicator service did not answer (problem+json naming it)."},
}


YearQuery = Annotated[int, Query(description="Year of the data.", examples=[2024])]
TargetQuery = Annotated[str, Query(description=f"{TARGET_HELP}. {TARGET_MEANING}.", examples=["next_tier"])]
ProfileQuery = Annotated[int | None, Query(description="Weight profile id; default: the default profile.")]
LangQuery = Annotated[Lang, Query(description="Language of the names and the summary: en or zh.")]


@router.get(
    "/plans",
    response_model=list[ClusterPlan],
    summary="Every ranked cluster's plan for one target, in rank order (a year's review sheet)",
    responses=RESPONSES,
)
def year_plans(
    _: Viewer,
    upstreams: UpstreamsDep,
    year: YearQuery,
    target: TargetQuery,
    profile: ProfileQuery = None,
    lang: LangQuery = "en",
) -> list[ClusterPlan]:
    """As `GET /v1/recommendations/{cluster_code}/plan` for every cluster of the year's ranking, in rank order,
    computed by the scoring service on one resolution of the model (POST /v1/rankings/plans)."""
    return service.year_plans(upstreams, year=year, profile_id=profile, target=target, lang=lang)


@router.get(
    "/{cluster_code}/plan",
    response_model=ClusterPlan,
    summary="The fewest indicator changes, each to a value a same-category peer reached, that reach a target",
    responses=RESPONSES,
)
def cluster_plan(
    _: Viewer,
    upstreams: UpstreamsDep,
    cluster_code: Annotated[str, Path(description="Cluster code.", examples=["FS-HOME"])],
    year: YearQuery,
    target: TargetQuery,
    profile: ProfileQuery = None,
    lang: LangQuery = "en",
) -> ClusterPlan:
    """The smallest set of indicator changes that brings the cluster to `target` on the published fixed-reference
    TOPSIS model, each change moving one indicator to a value a cluster of the same category observed that year
    (its `peer`), then the least total effort (sum of |to − from| / reference range); re-scored by the scoring
    service, never estimated. Dropping any one change misses the target. A target met already is `reachable: true`
    with no changes; `reachable: false` with no changes when no such set exists."""
    return service.cluster_plan(
        upstreams, cluster_code=cluster_code, year=year, profile_id=profile, target=target, lang=lang
    )
