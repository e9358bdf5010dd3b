"""Decision problems turned into engine calls and engine results into ranked v1 responses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from services.scoring.engine.compare import compare_methods
from services.scoring.engine.mcda import MAX_REPORTED_ERRORS, METHODS, FloatArray, IntArray, score
from shared.errors import InvalidInput
from shared.schemas.scoring import (
    CompareRequest,
    CompareResponse,
    DecisionProblem,
    MethodRanking,
    RankedAlternative,
    ScoreRequest,
    ScoreResponse,
)


@dataclass(frozen=True)
class Problem:
    """A request's decision problem in the engine's terms: values, weights, directions and criterion names."""

    matrix: FloatArray
    weights: list[float]
    types: list[str]
    names: list[str]


def decision_problem(body: DecisionProblem) -> Problem:
    """The request's problem, after the checks only the request can make: unique names, agreeing lengths.

    The engine checks the values themselves and the weights.
    """
    names = [criterion.name for criterion in body.criteria]
    errors = [
        *duplicates(body.alternatives, ("alternatives",), "alternative"),
        *duplicates(names, ("criteria",), "criterion", field="name"),
    ]
    m = len(body.alternatives)
    if len(body.matrix) != m:
        errors.append(_error(["matrix"], f"the matrix has {len(body.matrix)} rows; {m} alternatives need {m}"))
    errors.extend(matrix_errors(body.matrix, len(names)))
    if errors:
        raise InvalidInput(errors[0]["msg"] if len(errors) == 1 else "the decision problem is not valid", errors=errors)
    return Problem(
        matrix=np.asarray(body.matrix, dtype=np.float64),
        weights=[criterion.weight for criterion in body.criteria],
        types=[criterion.type for criterion in body.criteria],
        names=names,
    )


def matrix_errors(rows: Sequence[Sequence[float | None]], k: int) -> list[dict[str, Any]]:
    """Rows without one value per criterion, and missing values, each located (the first few of many)."""
    errors = [
        _error(["matrix", i], f"row {i} has {len(row)} values; {k} criteria need {k}")
        for i, row in enumerate(rows)
        if len(row) != k
    ]
    errors.extend(
        _error(["matrix", i, j], "missing value: every alternative needs a number on every criterion")
        for i, row in enumerate(rows)
        for j, value in enumerate(row)
        if value is None
    )
    return errors[:MAX_REPORTED_ERRORS]


def duplicates(
    values: Sequence[str], loc: tuple[str, ...], what: str, *, field: str | None = None
) -> list[dict[str, Any]]:
    """An error at each repeat of a name that must be unique (`loc + [position, field]`)."""
    seen: set[str] = set()
    errors = []
    for k, value in enumerate(values):
        if value in seen:
            errors.append(_error([*loc, k, *([field] if field else [])], f"{what} {value!r} is given twice"))
        seen.add(value)
    return errors


def ranked(alternatives: Sequence[str], scores: FloatArray, ranks: IntArray) -> list[RankedAlternative]:
    """The alternatives with their scores and ranks, best first (ties in input order)."""
    order = np.argsort(ranks, kind="stable")
    return [RankedAlternative(alternative=alternatives[i], score=float(scores[i]), rank=int(ranks[i])) for i in order]


def score_problem(body: ScoreRequest) -> ScoreResponse:
    """Score and rank the alternatives with one method."""
    problem = decision_problem(body)
    result = score(
        problem.matrix,
        problem.weights,
        problem.types,
        method=body.method,
        normalization=body.normalization,
        criteria_names=problem.names,
    )
    return ScoreResponse(
        method=result.method,
        normalization=result.normalization,
        higher_is_better=result.higher_is_better,
        results=ranked(body.alternatives, result.scores, result.ranks),
        warnings=list(result.warnings),
    )


def compare(body: CompareRequest) -> CompareResponse:
    """Rank the alternatives with several methods and measure how far the rankings agree."""
    problem = decision_problem(body)
    comparison = compare_methods(
        problem.matrix,
        problem.weights,
        problem.types,
        methods=body.methods,
        normalization=body.normalization,
        criteria_names=problem.names,
    )
    return CompareResponse(
        methods=list(comparison.methods),
        rankings=[
            MethodRanking(
                method=method,
                normalization=comparison.normalizations[k],
                higher_is_better=METHODS[method].higher_is_better,
                results=ranked(body.alternatives, comparison.scores[k], comparison.ranks[k]),
            )
            for k, method in enumerate(comparison.methods)
        ],
        spearman=comparison.spearman.tolist(),
        ws=comparison.ws.tolist(),
        warnings=list(comparison.warnings),
    )


def _error(loc: list[str | int], msg: str) -> dict[str, Any]:
    return {"loc": loc, "msg": msg}
