"""POST /v1/rankings/what-if: the score and rank a cluster would reach if one indicator took another value."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.scoring.deps import IndicatorsDep
from services.scoring.rankings.what_if_service import what_if
from shared.auth import Viewer
from shared.schemas.rankings import WhatIfRequest, WhatIfResponse

router = APIRouter(prefix="/v1/rankings", tags=["rankings"])

WHAT_IF_REQUEST_EXAMPLE: dict[str, Any] = {
    "year": 2024,
    "candidates": [
        {"cluster_code": "XZ-MACHINERY", "indicator": "C5.1", "value": 68.5},
        {"cluster_code": "XZ-MACHINERY", "indicator": "C4.2", "value": 2.9},
        {"cluster_code": "HF-SPEECH", "indicator": "C7.3", "value": 41},
    ],
}
WHAT_IF_EXAMPLE: dict[str, Any] = {
    "year": 2024,
    "dataset_version": "3f2a9c0d1e4b5a67",
    "profile": 4,
    "method": "topsis",
    "reference": "fixed",
    "results": [
        {
            "cluster_code": "XZ-MACHINERY",
            "indicator": "C5.1",
            "value": 68.5,
            "current_value": 57.2,
            "current_score": 0.4312,
            "current_rank": 17,
            "score": 0.4475,
            "rank": 13,
            "rank_gain": 4,
            "score_gain": 0.0163,
            "clipped": False,
        }
    ],
}
UNKNOWN_CLUSTER_PROBLEM: dict[str, Any] = {
    "type": "https://amc-platform.example/problems/not-found",
    "title": "Not found",
    "status": 404,
    "detail": "no 2024 data for: NOPE (no such cluster)",
    "errors": [{"loc": ["body", "candidates", 0, "cluster_code"], "msg": "no such cluster"}],
}


@router.post(
    "/what-if",
    response_model=WhatIfResponse,
    summary="Rescore clusters with one indicator changed each, and the rank each change would reach",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": WHAT_IF_REQUEST_EXAMPLE}}}},
    responses={
        200: {"content": {"application/json": {"example": WHAT_IF_EXAMPLE}}},
        404: {
            "description": "Unknown year, profile or cluster, or a cluster without data that year (problem+json).",
            "content": {"application/problem+json": {"example": UNKNOWN_CLUSTER_PROBLEM}},
        },
        503: {"description": "The indicator service did not answer (problem+json)."},
    },
)
def what_if_ranks(body: WhatIfRequest, _: Viewer, indicators: IndicatorsDep) -> WhatIfResponse:
    """For each candidate, a cluster's stored row with one indicator set to `value`: its new fixed-reference score
    and the rank it would reach among the other clusters' current scores, which a fixed reference leaves unchanged.

    Candidates may name different clusters, so one request serves a whole year's what-if questions; all rows are
    scored in one vectorised call. Missing values are imputed as in the ranking (the category's median).
    """
    return what_if(indicators, body)
