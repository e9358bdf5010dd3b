"""Weight requests turned into engine calls: objective weights from the data and combined weights."""

from __future__ import annotations

import numpy as np

from services.scoring.engine import weights
from services.scoring.engine.mcda import WEIGHT_SUM_TOLERANCE
from services.scoring.scores.service import duplicates, matrix_errors
from shared.errors import InvalidInput
from shared.schemas.scoring import (
    CombinedWeightsRequest,
    CombinedWeightsResponse,
    ObjectiveWeightsRequest,
    ObjectiveWeightsResponse,
)


def objective(body: ObjectiveWeightsRequest) -> ObjectiveWeightsResponse:
    """Weights of the criteria from the spread of the data."""
    names = [criterion.name for criterion in body.criteria]
    k = len(names)
    errors = [*duplicates(names, ("criteria",), "criterion", field="name"), *matrix_errors(body.matrix, k)]
    if errors:
        raise InvalidInput("the decision matrix is not valid", errors=errors)
    result = weights.objective_weights(
        np.asarray(body.matrix, dtype=np.float64),
        [criterion.type for criterion in body.criteria],
        method=body.method,
        criteria_names=names,
    )
    return ObjectiveWeightsResponse(
        method=result.method,
        weights=dict(zip(names, result.weights.tolist(), strict=True)),
        warnings=list(result.warnings),
    )


def combined(body: CombinedWeightsRequest) -> CombinedWeightsResponse:
    """Subjective and objective weights of the same criteria blended into one set."""
    if len(body.objective) != len(body.subjective):
        msg = f"give one objective weight per subjective weight: {len(body.subjective)}, not {len(body.objective)}"
        raise InvalidInput(msg, errors=[{"loc": ["objective"], "msg": msg}])
    blended = weights.combined_weights(body.subjective, body.objective, method=body.method, alpha=body.alpha)
    warnings = [
        f"the {name} weights did not sum to 1 and were normalised"
        for name, given in (("subjective", body.subjective), ("objective", body.objective))
        if abs(sum(given) - 1.0) > WEIGHT_SUM_TOLERANCE
    ]
    return CombinedWeightsResponse(
        method=body.method,
        alpha=body.alpha if body.method == "linear" else None,
        weights=blended.tolist(),
        warnings=warnings,
    )
