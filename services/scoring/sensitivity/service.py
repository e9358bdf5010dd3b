"""Sensitivity requests turned into engine calls: rank acceptability, weight stability and a weight sweep."""

from __future__ import annotations

from services.scoring.engine import sensitivity
from services.scoring.scores.service import decision_problem
from shared.errors import InvalidInput
from shared.schemas.scoring import (
    RankAcceptability,
    SensitivityRequest,
    SensitivityResponse,
    WeightStability,
    WeightSweep,
)


def analyse(body: SensitivityRequest) -> SensitivityResponse:
    """How stable the ranking is under its weights, and every score along the optional sweep."""
    problem = decision_problem(body)
    sweep_index = _sweep_index(body.sweep_criterion, problem.names)
    acceptability = sensitivity.rank_acceptability(
        problem.matrix,
        problem.weights,
        problem.types,
        samples=body.samples,
        seed=body.seed,
        concentration=body.concentration,
        method=body.method,
        normalization=body.normalization,
        criteria_names=problem.names,
    )
    intervals = sensitivity.weight_stability(
        problem.matrix,
        problem.weights,
        problem.types,
        method=body.method,
        normalization=body.normalization,
        criteria_names=problem.names,
    )
    sweep = None
    if sweep_index is not None:
        swept = sensitivity.weight_sweep(
            problem.matrix,
            problem.weights,
            problem.types,
            criterion_index=sweep_index,
            points=body.sweep_points,
            method=body.method,
            normalization=body.normalization,
            criteria_names=problem.names,
        )
        sweep = WeightSweep(
            criterion=problem.names[sweep_index],
            weights=swept.criterion_weights.tolist(),
            scores={name: swept.scores[:, i].tolist() for i, name in enumerate(body.alternatives)},
            ranks={name: swept.ranks[:, i].tolist() for i, name in enumerate(body.alternatives)},
        )
    return SensitivityResponse(
        method=acceptability.method,
        normalization=acceptability.normalization,
        samples=acceptability.samples,
        seed=acceptability.seed,
        concentration=acceptability.concentration,
        rank_acceptability=[
            RankAcceptability(alternative=name, by_rank=acceptability.by_rank[i].tolist())
            for i, name in enumerate(body.alternatives)
        ],
        weight_stability=[
            WeightStability(
                criterion=problem.names[interval.criterion_index],
                weight=interval.weight,
                min=interval.lower,
                max=interval.upper,
            )
            for interval in intervals
        ],
        sweep=sweep,
        warnings=list(acceptability.warnings),
    )


def _sweep_index(criterion: str | None, names: list[str]) -> int | None:
    if criterion is None:
        return None
    if criterion not in names:
        msg = f"no criterion is named {criterion!r}; choose one of {', '.join(names)}"
        raise InvalidInput(msg, errors=[{"loc": ["sweep_criterion"], "msg": msg}])
    if len(names) == 1:
        msg = "with a single criterion its weight is always 1; there is nothing to sweep"
        raise InvalidInput(msg, errors=[{"loc": ["sweep_criterion"], "msg": msg}])
    return names.index(criterion)
