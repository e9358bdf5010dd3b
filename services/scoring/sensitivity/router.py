"""POST /v1/sensitivity: how stable a ranking is under its weights."""

from __future__ import annotations

from fastapi import APIRouter

from services.scoring.endpoints import computed, documented
from services.scoring.sensitivity import service
from shared.auth import Viewer
from shared.problems import invalid_input_example
from shared.schemas.scoring import SENSITIVITY_RESULT_EXAMPLE, SensitivityRequest, SensitivityResponse

router = APIRouter(prefix="/v1", tags=["sensitivity"])

TOO_MANY_SAMPLES_PROBLEM = invalid_input_example(
    "body.samples: Input should be less than or equal to 100000",
    [{"loc": ["body", "samples"], "msg": "Input should be less than or equal to 100000"}],
)


@router.post(
    "/sensitivity",
    response_model=SensitivityResponse,
    summary="Rank acceptability, weight-stability intervals and a weight sweep",
    responses=documented(SENSITIVITY_RESULT_EXAMPLE, TOO_MANY_SAMPLES_PROBLEM),
)
def sensitivity(body: SensitivityRequest, _: Viewer) -> SensitivityResponse:
    """Test how far the ranking of `/v1/score`'s problem depends on its weights.

    - `rank_acceptability`: weights are drawn `samples` times from a Dirichlet centred on the given weights
      (`concentration` sets how tightly); for each alternative, the share of samples at each rank. The same
      seed gives the same answer.
    - `weight_stability`: for each criterion, the interval of its weight (the others rescaled in proportion)
      within which the whole ranking stays as it is; it contains the current weight.
    - `sweep` (with `sweep_criterion`): every alternative's score and rank as that criterion's weight goes
      from 0 to 1 in `sweep_points` steps, the others rescaled in proportion — the series of a chart.
    """
    return computed(service.analyse, body)
