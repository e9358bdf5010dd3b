"""A panel's judgments over a goal → criteria → indicators tree turned into the group weights of a weight profile."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import numpy as np

from services.scoring.engine.ahp import (
    ExpertJudgment,
    FloatArray,
    GroupResult,
    HierarchyNode,
    group,
    hierarchy,
    to_matrix,
)
from shared.errors import InvalidInput
from shared.schemas.vocabulary import Aggregation, PriorityMethod

GOAL = "goal"


class CriterionWeightDict(TypedDict):
    code: str
    weight: float
    cr: float


class IndicatorWeightDict(TypedDict):
    code: str
    criterion: str
    local_weight: float
    global_weight: float


class ExpertConsistencyDict(TypedDict):
    expert: str
    cr: float
    consistent: bool


class NodeResultDict(TypedDict):
    node: str
    cr: float
    consistent: bool
    consensus: float
    weights: dict[str, float]
    experts: list[ExpertConsistencyDict]


class ComputedProfile(TypedDict):
    """The computed part of a weight profile, in the shape of `shared.schemas.panels.WeightProfileCreate`."""

    method: str
    aggregation: str
    ri_table: str
    consensus: float
    criteria: list[CriterionWeightDict]
    indicators: list[IndicatorWeightDict]
    nodes: list[NodeResultDict]
    judgments: list[dict[str, Any]]


def compute_profile(
    tree: Mapping[str, Sequence[str]],
    judgments: Sequence[Mapping[str, Any]],
    *,
    method: PriorityMethod = "eigenvector",
    aggregation: Aggregation = "aij",
    ri_table: str = "saaty",
    cr_threshold: float = 0.1,
) -> ComputedProfile:
    """Group weights of every node, criterion weights and indicator global weights from a panel's judgments.

    `tree` maps `goal` to the criterion codes and each criterion code to its indicator codes, in order.
    `judgments` holds one entry per expert and node: `{"expert", "weight" (default 1), "node", "items",
    "matrix"}` (plus an optional `version`), the matrix in the order of `items`, which may be any order of the
    node's children. Each node's group priorities come from `ahp.group`; a node nobody judged is an error
    unless it has a single child. An indicator's global weight is its criterion's weight times its local
    weight. The profile's `consensus` is the goal node's; `judgments` comes back as the snapshot that was used.
    """
    _check_tree(tree)
    by_node, snapshot = _judgments_by_node(tree, judgments)
    order = [GOAL, *tree[GOAL]]
    results = {
        node: _group_node(node, tree[node], by_node.get(node, []), method, aggregation, ri_table, cr_threshold)
        for node in order
    }
    local = {node: _weights(result, len(tree[node])) for node, result in results.items()}
    synthesis = hierarchy(
        HierarchyNode(
            name=GOAL,
            weights=local[GOAL],
            children=[
                HierarchyNode(
                    name=criterion,
                    weights=local[criterion],
                    children=[HierarchyNode(name=code) for code in tree[criterion]],
                )
                for criterion in tree[GOAL]
            ],
        ),
        method=method,
        ri_table=ri_table,
        cr_threshold=cr_threshold,
    )
    goal_weights = local[GOAL]
    criteria: list[CriterionWeightDict] = [
        {"code": criterion, "weight": float(goal_weights[k]), "cr": _cr(results[criterion])}
        for k, criterion in enumerate(tree[GOAL])
    ]
    indicators: list[IndicatorWeightDict] = [
        {
            "code": code,
            "criterion": criterion,
            "local_weight": float(local[criterion][k]),
            "global_weight": float(synthesis.leaves[code]),
        }
        for criterion in tree[GOAL]
        for k, code in enumerate(tree[criterion])
    ]
    nodes = [_node_result(node, tree[node], results[node]) for node in order]
    return {
        "method": method,
        "aggregation": aggregation,
        "ri_table": ri_table,
        "consensus": nodes[0]["consensus"],
        "criteria": criteria,
        "indicators": indicators,
        "nodes": nodes,
        "judgments": snapshot,
    }


def _check_tree(tree: Mapping[str, Sequence[str]]) -> None:
    """A two-level tree: the goal over criteria, each criterion over indicators that stand nowhere else."""
    errors: list[dict[str, Any]] = []
    if not tree.get(GOAL):
        errors.append(_error(("tree", GOAL), "the goal needs at least one criterion"))
    criteria = list(tree.get(GOAL, []))
    if sorted(criteria) != sorted(set(criteria)):
        errors.append(_error(("tree", GOAL), "each criterion may appear once under the goal"))
    for criterion in criteria:
        if not tree.get(criterion):
            errors.append(_error(("tree", criterion), f"criterion {criterion!r} needs at least one indicator"))
    extra = sorted(set(tree) - {GOAL, *criteria})
    if extra:
        errors.append(_error(("tree",), f"nodes {extra} stand neither at the goal nor under it"))
    leaves = [code for criterion in criteria for code in tree.get(criterion, [])]
    repeated = sorted({code for code in leaves if leaves.count(code) > 1} | (set(leaves) & set(tree)))
    if repeated:
        errors.append(_error(("tree",), f"indicators {repeated} stand more than once or have children"))
    if errors:
        raise InvalidInput("the indicator tree is not a goal over criteria over indicators", errors=errors)


def _judgments_by_node(
    tree: Mapping[str, Sequence[str]], judgments: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, list[tuple[int, ExpertJudgment]]], list[dict[str, Any]]]:
    """Each node's validated expert matrices, rows and columns in tree order, with the entry's position."""
    by_node: dict[str, list[tuple[int, ExpertJudgment]]] = {}
    snapshot: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for k, entry in enumerate(judgments):
        loc = ("judgments", k)
        node, items, expert = entry.get("node"), list(entry.get("items") or []), entry.get("expert")
        weight = entry.get("weight", 1.0)
        if not isinstance(expert, str) or not expert.strip():
            errors.append(_error((*loc, "expert"), "an expert code is needed"))
            continue
        if not isinstance(weight, int | float) or isinstance(weight, bool):
            errors.append(_error((*loc, "weight"), f"a weight must be a number, got {weight!r}"))
            continue
        if not isinstance(node, str) or node not in tree:
            errors.append(_error((*loc, "node"), f"{node!r} is not a node of the tree ({', '.join(tree)})"))
            continue
        children = list(tree[node])
        if sorted(items) != sorted(children) or len(set(items)) != len(items):
            msg = f"node {node!r} compares {children}, in any order; got {items}"
            errors.append(_error((*loc, "items"), msg))
            continue
        try:
            matrix = to_matrix(entry.get("matrix") or [], loc_prefix=(*loc, "matrix"))
        except InvalidInput as exc:
            errors.extend(exc.errors)
            continue
        if matrix.shape != (len(items), len(items)):
            errors.append(_error((*loc, "matrix"), f"{len(items)} items need a {len(items)} x {len(items)} matrix"))
            continue
        order = [items.index(code) for code in children]
        ordered = matrix[np.ix_(order, order)]
        by_node.setdefault(node, []).append((k, ExpertJudgment(expert=expert, weight=float(weight), matrix=ordered)))
        snapshot.append(
            {
                "expert": expert,
                "weight": float(weight),
                "node": node,
                "items": items,
                "matrix": [[None if np.isnan(v) else float(v) for v in row] for row in matrix.tolist()],
                "version": entry.get("version"),
            }
        )
    if errors:
        raise InvalidInput("the judgments are not valid", errors=errors)
    return by_node, snapshot


def _group_node(
    node: str,
    children: Sequence[str],
    entries: Sequence[tuple[int, ExpertJudgment]],
    method: PriorityMethod,
    aggregation: Aggregation,
    ri_table: str,
    cr_threshold: float,
) -> GroupResult | None:
    """The group result of one node; None for a single child nobody needed to judge."""
    if not entries:
        if len(children) == 1:
            return None
        msg = f"nobody judged node {node!r}"
        raise InvalidInput(msg, errors=[_error(("judgments",), msg)])
    try:
        return group(
            [judgment for _, judgment in entries],
            aggregation=aggregation,
            method=method,
            ri_table=ri_table,
            cr_threshold=cr_threshold,
        )
    except InvalidInput as exc:
        # ahp.group numbers the experts of this node; report the positions in the caller's list instead.
        positions = [k for k, _ in entries]
        for error in exc.errors:
            loc = error.get("loc", [])
            if len(loc) >= 2 and loc[0] == "judgments" and isinstance(loc[1], int) and loc[1] < len(positions):
                loc[1] = positions[loc[1]]
        raise


def _weights(result: GroupResult | None, size: int) -> FloatArray:
    return np.ones(size) if result is None else result.weights


def _cr(result: GroupResult | None) -> float:
    return 0.0 if result is None else float(result.cr)


def _node_result(node: str, children: Sequence[str], result: GroupResult | None) -> NodeResultDict:
    if result is None:
        weights = {children[0]: 1.0}
        return {"node": node, "cr": 0.0, "consistent": True, "consensus": 1.0, "weights": weights, "experts": []}
    return {
        "node": node,
        "cr": float(result.cr),
        "consistent": bool(result.consistent),
        "consensus": float(result.consensus),
        "weights": {code: float(w) for code, w in zip(children, result.weights, strict=True)},
        "experts": [{"expert": e.expert, "cr": float(e.cr), "consistent": bool(e.consistent)} for e in result.experts],
    }


def _error(loc: tuple[str | int, ...], msg: str) -> dict[str, Any]:
    return {"loc": list(loc), "msg": msg}
