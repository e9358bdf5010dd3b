"""GET /v1/recommendations and GET /v1/recommendations/{cluster_code}: gaps, strengths and actions of clusters."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from services.recommendations.advice import service
from services.recommendations.deps import CacheDep, SettingsDep, UpstreamsDep
from shared.auth import Viewer
from shared.schemas.recommendations import ClusterRecommendations, Lang

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"])

RECOMMENDATIONS_EXAMPLE: dict[str, Any] = {
    "cluster_code": "XZ-MACHINERY",
    "name": "Xuzhou construction machinery",
    "year": 2024,
    "dataset_version": "3f2a9c0d1e4b5a67",
    "profile": 4,
    "lang": "en",
    "synthetic": True,
    "category": "basic",
    "peer_count": 7,
    "rank": 17,
    "score": 0.4312,
    "strengths": [
        {
            "criterion": "C4",
            "name": "Industrial concentration and scale",
            "score": 0.62,
            "category_median": 0.48,
            "category_top_quartile": 0.55,
            "text": "Industrial concentration and scale (C4): 0.62, at or above the basic top quartile of 0.55 "
            "(median 0.48).",
        }
    ],
    "weaknesses": [
        {
            "criterion": "C5",
            "indicator": "C5.1",
            "name": "Key-process CNC rate",
            "unit": "%",
            "direction": "benefit",
            "value": 57.2,
            "benchmark": 68.5,
            "gap": 0.2511,
            "potential": 0.0193,
            "imputed": False,
        }
    ],
    "recommendations": [
        {
            "priority": 1,
            "criterion": "C5",
            "indicator": "C5.1",
            "title": "Raise the key-process CNC rate",
            "action": "Subsidise CNC and automation retrofits of key processes, starting with the firms and "
            "processes furthest below the category's top quartile.",
            "rationale": "Key-process CNC rate is 57.2 %, against a top-quartile 68.5 % among the 7 basic clusters "
            "(normalised gap 25.11%, improvement potential 0.019). Reaching that level alone would raise the score "
            "by 0.016 (0.431 to 0.448) and put the cluster at rank 13 (now 17).",
            "rule_id": "basic-C5.1",
            "policy_path": "intelligent_level",
            "policy_path_name": "Higher intelligent (smart-manufacturing) level",
            "expected_rank": 13,
            "expected_gain": 4,
            "expected_score": 0.4475,
            "score_gain": 0.0163,
            "peer_examples": [
                {"cluster_code": "CS-MACHINERY", "value": 71.4},
                {"cluster_code": "WXSS-AUTO", "value": 69.0},
            ],
        }
    ],
    "data_gaps": [
        {
            "indicator": "C2.2",
            "criterion": "C2",
            "name": "Manufacturing innovation centres, provincial or national",
            "unit": "count",
            "imputed_value": 1.0,
            "text": "Manufacturing innovation centres, provincial or national (C2.2) has no 2024 value; the ranking "
            "used the category median, 1. Collect this indicator.",
        }
    ],
    "materiality_threshold": 0.05,
    "category_check": {
        "stated": "basic",
        "nearest": "basic",
        "looks_wrong": False,
        "distances": {"basic": 0.61, "strategic": 0.83, "cutting_edge": 1.02},
        "margin": 1.15,
        "evidence": "Distance of the indicator profile to each category's other clusters: basic 0.61, strategic "
        "0.83, cutting-edge 1.02. The stated category, basic, fits.",
    },
}
NOT_FOUND_EXAMPLE: dict[str, Any] = {
    "type": "https://amc-platform.example/problems/not-found",
    "title": "Not found",
    "status": 404,
    "detail": "no cluster with code 'NOPE'",
}
UNAVAILABLE_EXAMPLE: dict[str, Any] = {
    "type": "https://amc-platform.example/problems/upstream-unavailable",
    "title": "Upstream unavailable",
    "status": 503,
    "detail": "the scoring service did not answer: [Errno 111] Connection refused",
}


def _responses(example: Any) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {"application/json": {"example": example}}},
        404: {
            "description": "Unknown cluster or profile, or no data for the year or the cluster (problem+json).",
            "content": {"application/problem+json": {"example": NOT_FOUND_EXAMPLE}},
        },
        503: {
            "description": "The scoring or indicator service did not answer (problem+json naming it).",
            "content": {"application/problem+json": {"example": UNAVAILABLE_EXAMPLE}},
        },
    }


YearQuery = Annotated[int, Query(description="Year of the data.", examples=[2024])]
ProfileQuery = Annotated[int | None, Query(description="Weight profile id; default: the default profile.")]
LangQuery = Annotated[Lang, Query(description="Language of the texts: en or zh.")]


def _answer(upstreams: UpstreamsDep, cache: CacheDep, settings: SettingsDep, advice: service.AdviceRequest) -> Response:
    advice = replace(advice, materiality=settings.materiality_threshold)
    body = service.advice_bytes(
        upstreams, cache, advice, top_n=settings.what_if_top_n, ttl_seconds=settings.recommendations_ttl_seconds
    )
    return Response(body, media_type="application/json")


@router.get(
    "",
    response_model=list[ClusterRecommendations],
    summary="Gaps, strengths and actions of every cluster of a year, by rank",
    responses=_responses([RECOMMENDATIONS_EXAMPLE]),
)
def all_recommendations(
    _: Viewer,
    upstreams: UpstreamsDep,
    cache: CacheDep,
    settings: SettingsDep,
    year: YearQuery,
    profile: ProfileQuery = None,
    lang: LangQuery = "en",
) -> Response:
    """One object per cluster with data that year, in rank order, each as `GET /v1/recommendations/{cluster_code}`.

    All clusters' what-if questions go to the scoring service in one request; the whole answer is cached under a
    key naming the data, catalogue and profile versions, the language and the rule base.
    """
    advice = service.AdviceRequest(year=year, profile_id=profile, lang=lang, cluster_code=None)
    return _answer(upstreams, cache, settings, advice)


@router.get(
    "/{cluster_code}",
    response_model=ClusterRecommendations,
    summary="A cluster's gaps to its category's peers, its strengths and actions from its category's policy paths",
    responses=_responses(RECOMMENDATIONS_EXAMPLE),
)
def cluster_recommendations(
    _: Viewer,
    upstreams: UpstreamsDep,
    cache: CacheDep,
    settings: SettingsDep,
    cluster_code: Annotated[str, Path(description="Cluster code.", examples=["XZ-MACHINERY"])],
    year: YearQuery,
    profile: ProfileQuery = None,
    lang: LangQuery = "en",
) -> Response:
    """Diagnose one cluster against its category's peers (the clusters of the same stated category that year).

    - **strengths**: criteria where its score is at or above the category's top quartile;
    - **weaknesses**: indicators below the category's top-quartile value (direction-aware), with the normalised
      gap and the improvement potential (weight × gap), largest first;
    - **recommendations**: one action per weakness from the category's policy paths (rules.yaml), never on an
      imputed value or a gap below the materiality threshold, never the same rule twice, with the rationale's numbers,
      the score and rank the cluster would reach if that indicator alone reached the benchmark (rescored by the
      scoring service on the fixed reference), ordered by that score gain, and the peers that reach the benchmark;
    - **data_gaps**: the indicators the cluster did not report that year, to collect;
    - **category_check**: whether the indicators look like another category's; the stored category never changes.
    """
    advice = service.AdviceRequest(year=year, profile_id=profile, lang=lang, cluster_code=cluster_code)
    return _answer(upstreams, cache, settings, advice)
