"""POST /v1/rankings/what-if: the score and rank a cluster would reach if one indicator took another value.

Every candidate row (a cluster's stored row with one value changed) is scored in one vectorised call together
with the year's actual rows; on the fixed reference a row's score depends only on its own values, so the other
clusters' scores stay as they are and each candidate is ranked among them exactly as a re-ranking would rank it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Request

from services.scoring.deps import IndicatorsDep
from services.scoring.engine.mcda import competition_ranks
from services.scoring.rankings import service
from services.scoring.rankings.compute import fixed_scores
from services.scoring.rankings.router import caller_key
from shared.auth import Viewer
from shared.clients import IndicatorsClient
from shared.decision_matrix import year_matrix
from shared.errors import InvalidInput, NotFound
from shared.schemas.rankings import WhatIfRequest, WhatIfResponse, WhatIfResult

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


def what_if(indicators: IndicatorsClient, body: WhatIfRequest, *, api_key: str) -> WhatIfResponse:
    """Score every candidate row of `body` in one call and rank each among the other clusters' current scores."""
    state = indicators.state(api_key=api_key)
    version = state.version_of(body.year)
    inputs = service.load_inputs(indicators, state, state.profile_id(body.profile), api_key)
    dataset = indicators.dataset(body.year, version=version, api_key=api_key)
    weights = {w.code: w.global_weight for w in inputs.profile.indicators}
    matrix = year_matrix(dataset, inputs.clusters, inputs.tree, weights)

    row_of = {code: i for i, code in enumerate(matrix.codes)}
    column_of = {code: j for j, code in enumerate(matrix.indicator_codes)}
    cluster_codes = [c.cluster_code or body.cluster_code or "" for c in body.candidates]
    absent = [(k, code) for k, code in enumerate(cluster_codes) if code not in row_of]
    if absent:
        reasons = {
            code: "no such cluster" if code not in inputs.clusters else f"no observations in {body.year}"
            for _, code in absent
        }
        raise NotFound(
            f"no {body.year} data for: " + ", ".join(f"{code} ({reason})" for code, reason in sorted(reasons.items())),
            errors=[{"loc": ["body", "candidates", k, "cluster_code"], "msg": reasons[code]} for k, code in absent],
        )
    unknown = [k for k, c in enumerate(body.candidates) if c.indicator not in column_of]
    if unknown:
        raise InvalidInput(
            "unknown indicator code(s): " + ", ".join(sorted({body.candidates[k].indicator for k in unknown})),
            errors=[
                {"loc": ["body", "candidates", k, "indicator"], "msg": "not an indicator of the tree"} for k in unknown
            ],
        )

    m, k = len(matrix.codes), len(body.candidates)
    rows = np.array([row_of[code] for code in cluster_codes])
    columns = np.array([column_of[c.indicator] for c in body.candidates])
    candidates = matrix.values[rows]
    candidates[np.arange(k), columns] = [c.value for c in body.candidates]
    scores, clipped = fixed_scores(matrix, np.vstack([matrix.values, candidates]), body.method)
    current, new = scores[:m], scores[m:]
    # Row j of `trial` is the year's scores with candidate j in its cluster's place: ranking it is a re-ranking.
    trial = np.repeat(current[np.newaxis, :], k, axis=0)
    trial[np.arange(k), rows] = new
    ranks = competition_ranks(trial)[np.arange(k), rows]
    current_ranks = competition_ranks(current)
    return WhatIfResponse(
        year=body.year,
        dataset_version=dataset.version,
        profile=inputs.profile.id,
        method=body.method,
        reference="fixed",
        results=[
            WhatIfResult(
                cluster_code=cluster_codes[j],
                indicator=body.candidates[j].indicator,
                value=body.candidates[j].value,
                current_value=float(matrix.values[rows[j], columns[j]]),
                current_score=float(current[rows[j]]),
                current_rank=int(current_ranks[rows[j]]),
                score=float(new[j]),
                rank=int(ranks[j]),
                rank_gain=int(current_ranks[rows[j]] - ranks[j]),
                score_gain=float(new[j] - current[rows[j]]),
                clipped=bool(clipped[m + j, columns[j]]),
            )
            for j in range(k)
        ],
    )


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
def what_if_ranks(request: Request, body: WhatIfRequest, _: Viewer, indicators: IndicatorsDep) -> WhatIfResponse:
    """For each candidate, a cluster's stored row with one indicator set to `value`: its new fixed-reference score
    and the rank it would reach among the other clusters' current scores, which a fixed reference leaves unchanged.

    Candidates may name different clusters, so one request serves a whole year's what-if questions; all rows are
    scored in one vectorised call. Missing values are imputed as in the ranking (the category's median).
    """
    return what_if(indicators, body, api_key=caller_key(request))
