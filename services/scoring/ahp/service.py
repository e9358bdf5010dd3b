"""AHP requests turned into engine calls and engine results into v1 responses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from services.scoring.engine import ahp
from services.scoring.engine.random_index import Loc
from shared.errors import InvalidInput
from shared.schemas.scoring import (
    ExpertPriorities,
    GroupRequest,
    GroupResponse,
    HierarchyNode,
    HierarchyRequest,
    HierarchyResponse,
    Inconsistency,
    NodeWeight,
    PrioritiesRequest,
    PrioritiesResponse,
)


def priorities(body: PrioritiesRequest) -> PrioritiesResponse:
    """Priorities, consistency and the worst judgments of one comparison matrix."""
    matrix = ahp.to_matrix(body.matrix)
    if body.labels is not None:
        _check_labels(body.labels, len(body.matrix))
    result = ahp.priorities(
        matrix,
        method=body.method,
        ri_table=body.ri_table,
        cr_threshold=body.cr_threshold,
        completion=body.completion,
    )
    return PrioritiesResponse(
        weights=result.weights.tolist(),
        lambda_max=result.lambda_max,
        ci=result.ci,
        ri=result.ri,
        cr=result.cr,
        consistent=result.consistent,
        completed_matrix=result.completed_matrix.tolist(),
        inconsistencies=[
            Inconsistency(
                row=i.row,
                col=i.col,
                value=i.value,
                suggested=i.suggested,
                best_value=i.best_value,
                cr_after=i.cr_after,
            )
            for i in result.inconsistencies
        ],
        labels=body.labels,
    )


def group(body: GroupRequest) -> GroupResponse:
    """Group priorities of a panel (AIJ or AIP), its consistency and consensus, and each expert's own result."""
    errors: list[dict[str, Any]] = []
    judgments: list[ahp.ExpertJudgment] = []
    for k, expert in enumerate(body.judgments):
        matrix = _matrix_or_errors(expert.matrix, ("judgments", k, "matrix"), errors)
        if matrix is not None:
            judgments.append(ahp.ExpertJudgment(expert=expert.expert, weight=expert.weight, matrix=matrix))
    if errors:
        raise InvalidInput("the group's judgments are not valid", errors=errors)
    result = ahp.group(
        judgments,
        aggregation=body.aggregation,
        method=body.method,
        ri_table=body.ri_table,
        cr_threshold=body.cr_threshold,
        completion=body.completion,
    )
    return GroupResponse(
        weights=result.weights.tolist(),
        aggregation=body.aggregation,
        aggregated_matrix=None if result.aggregated_matrix is None else result.aggregated_matrix.tolist(),
        lambda_max=result.lambda_max,
        ci=result.ci,
        ri=result.ri,
        cr=result.cr,
        consistent=result.consistent,
        consensus=result.consensus,
        ahp_consensus=result.ahp_consensus,
        consensus_band=result.consensus_band,
        experts=[
            ExpertPriorities(expert=e.expert, weights=e.weights.tolist(), cr=e.cr, consistent=e.consistent)
            for e in result.experts
        ],
    )


def hierarchy(body: HierarchyRequest) -> HierarchyResponse:
    """Local and global weights of every node of a tree; leaves summed over every place they stand."""
    errors: list[dict[str, Any]] = []
    tree = _engine_node(body.tree, ("tree",), errors)
    if errors:
        raise InvalidInput("the hierarchy is not valid", errors=errors)
    result = ahp.hierarchy(
        tree, method=body.method, ri_table=body.ri_table, cr_threshold=body.cr_threshold, completion=body.completion
    )
    return HierarchyResponse(
        nodes=[
            NodeWeight(path=n.path, local_weight=n.local_weight, global_weight=n.global_weight, cr=n.cr)
            for n in result.nodes
        ],
        leaves=result.leaves,
        consistent=result.consistent,
        cr=result.cr,
    )


def _engine_node(node: HierarchyNode, loc: Loc, errors: list[dict[str, Any]]) -> ahp.HierarchyNode:
    """The engine's node for a request node; bad matrices go to `errors` so that every node gets checked."""
    matrix = None if node.matrix is None else _matrix_or_errors(node.matrix, (*loc, "matrix"), errors)
    return ahp.HierarchyNode(
        name=node.name,
        matrix=matrix,
        weights=None if node.weights is None else np.asarray(node.weights, dtype=np.float64),
        children=[_engine_node(child, (*loc, "children", k), errors) for k, child in enumerate(node.children or [])],
    )


def _matrix_or_errors(
    rows: Sequence[Sequence[ahp.Judgment]], loc: Loc, errors: list[dict[str, Any]]
) -> ahp.FloatArray | None:
    try:
        return ahp.to_matrix(rows, loc_prefix=loc)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        return None


def _check_labels(labels: list[str], n: int) -> None:
    if len(labels) != n:
        msg = f"give one label per row: {n} rows, {len(labels)} labels"
        raise InvalidInput(msg, errors=[{"loc": ["labels"], "msg": msg}])
    seen: set[str] = set()
    for k, label in enumerate(labels):
        if label in seen:
            msg = f"label {label!r} is given twice"
            raise InvalidInput(msg, errors=[{"loc": ["labels", k], "msg": msg}])
        seen.add(label)
