"""POST /v1/score and POST /v1/compare: rank the alternatives of a decision matrix, by one method or several."""

from __future__ import annotations

from fastapi import APIRouter

from services.scoring.endpoints import computed, documented
from services.scoring.scores import service
from shared.auth import Viewer
from shared.problems import invalid_input_example
from shared.schemas.scoring import (
    COMPARE_RESULT_EXAMPLE,
    SCORE_RESULT_EXAMPLE,
    CompareRequest,
    CompareResponse,
    ScoreRequest,
    ScoreResponse,
)

router = APIRouter(prefix="/v1", tags=["scores"])

MISSING_VALUE_PROBLEM = invalid_input_example(
    "missing value: every alternative needs a number on every criterion",
    [{"loc": ["body", "matrix", 1, 1], "msg": "missing value: every alternative needs a number on every criterion"}],
)
NEGATIVE_WEIGHT_PROBLEM = invalid_input_example(
    "body.criteria.0.weight: Input should be greater than or equal to 0",
    [{"loc": ["body", "criteria", 0, "weight"], "msg": "Input should be greater than or equal to 0"}],
)


@router.post(
    "/score",
    response_model=ScoreResponse,
    summary="Rank alternatives on a decision matrix with one MCDA method",
    responses=documented(SCORE_RESULT_EXAMPLE, MISSING_VALUE_PROBLEM),
)
def score(body: ScoreRequest, _: Viewer) -> ScoreResponse:
    """Score every alternative (row) on the weighted criteria (columns) and rank them, best first.

    TOPSIS with vector normalisation is the default (classical TOPSIS of Hwang and Yoon); `method` names the
    others. Weights must be ≥ 0 with a positive sum and are normalised to sum 1 (a warning says when they did
    not). A criterion on which every alternative is equal, or a column of zeros, is left out with a warning,
    so no score is ever NaN. Rank 1 is best whatever the method's own direction (VIKOR's Q is lower-better);
    equal scores share a rank.
    """
    return computed(service.score_problem, body)


@router.post(
    "/compare",
    response_model=CompareResponse,
    summary="Run several MCDA methods on one problem and compare their rankings",
    responses=documented(COMPARE_RESULT_EXAMPLE, NEGATIVE_WEIGHT_PROBLEM),
)
def compare(body: CompareRequest, _: Viewer) -> CompareResponse:
    """Rank the alternatives with each of `methods` and measure how far each pair of rankings agrees.

    The answer has every method's ranking and two symmetric matrices over the methods, with 1 on the
    diagonal: Spearman's rank correlation rs and the WS rank similarity coefficient, which weighs agreement
    at the top of a ranking more than at its bottom.
    """
    return computed(service.compare, body)
