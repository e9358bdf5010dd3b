"""POST /v1/weights/objective and /v1/weights/combined: weights beyond AHP."""

from __future__ import annotations

from fastapi import APIRouter

from services.scoring.endpoints import computed, documented
from services.scoring.weights import service
from shared.auth import Viewer
from shared.problems import invalid_input_example
from shared.schemas.scoring import (
    COMBINED_WEIGHTS_RESULT_EXAMPLE,
    OBJECTIVE_WEIGHTS_RESULT_EXAMPLE,
    CombinedWeightsRequest,
    CombinedWeightsResponse,
    ObjectiveWeightsRequest,
    ObjectiveWeightsResponse,
)

router = APIRouter(prefix="/v1/weights", tags=["weights"])

NEGATIVE_VALUE_PROBLEM = invalid_input_example(
    "entropy weighting needs every value >= 0; 1 value(s) are not",
    [{"loc": ["body", "matrix", 1, 1], "msg": "entropy weighting needs every value >= 0"}],
)
LENGTHS_DISAGREE_PROBLEM = invalid_input_example(
    "give one objective weight per subjective weight: 3, not 2",
    [{"loc": ["body", "objective"], "msg": "give one objective weight per subjective weight: 3, not 2"}],
)


@router.post(
    "/objective",
    response_model=ObjectiveWeightsResponse,
    summary="Objective criterion weights from the data: entropy, CRITIC, standard deviation, MEREC",
    responses=documented(OBJECTIVE_WEIGHTS_RESULT_EXAMPLE, NEGATIVE_VALUE_PROBLEM),
)
def objective_weights(body: ObjectiveWeightsRequest, _: Viewer) -> ObjectiveWeightsResponse:
    """Weigh the criteria by how much information their values carry across the alternatives.

    A criterion that does not vary tells the alternatives nothing: it gets weight 0 and a warning. Standard
    deviation and CRITIC work on direction-aware min-max normalised values, so a criterion's unit does not
    change its weight.
    """
    return computed(service.objective, body)


@router.post(
    "/combined",
    response_model=CombinedWeightsResponse,
    summary="Combine subjective and objective weights (linear with α, or multiplicative)",
    responses=documented(COMBINED_WEIGHTS_RESULT_EXAMPLE, LENGTHS_DISAGREE_PROBLEM),
)
def combined_weights(body: CombinedWeightsRequest, _: Viewer) -> CombinedWeightsResponse:
    """Blend expert (for example AHP) weights with objective weights of the same criteria.

    `linear`: `alpha * s + (1 - alpha) * o`; `multiplicative`: `s * o / sum(s * o)`. Both sets are
    normalised to sum 1 first, with a warning when one did not.
    """
    return computed(service.combined, body)
