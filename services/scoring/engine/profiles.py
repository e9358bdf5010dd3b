"""A panel's judgments over a goal → criteria → indicators tree turned into the group weights of a weight profile."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
from shared.schemas.vocabulary import Aggregation, ConsensusBand, PriorityMethod

GOAL = "goal"
MOST_DIFFERENT_PAIRS = 3


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


@dataclass(frozen=True, slots=True)
class PairDifference:
    """One judgment of an expert beside the group's: `first` over `second`."""

    first: str
    second: str
    expert: float
    group: float


@dataclass(frozen=True, slots=True)
class ExpertFromGroup:
    """An expert's own result at a node and how far it lies from the group's."""

    expert: str
    weights: dict[str, float]
    cr: float
    consistent: bool
    distance: float
    most_different: list[PairDifference]


@dataclass(frozen=True, slots=True)
class NodeAgreement:
    """The group result of one node with its consistency, its consensus and each expert's distance from it."""

    node: str
    weights: dict[str, float]
    cr: float
    consistent: bool
    consensus: float
    ahp_consensus: float
    consensus_band: ConsensusBand
    experts: list[ExpertFromGroup]


def node_agreement(
    tree: Mapping[str, Sequence[str]],
    judgments: Sequence[Mapping[str, Any]],
    *,
    method: PriorityMethod = "eigenvector",
    aggregation: Aggregation = "aij",
    ri_table: str = "saaty",
    cr_threshold: float = 0.1,
) -> tuple[list[NodeAgreement], list[str]]:
    """Per node someone judged (in tree order), the group result as in `compute_profile`, with each expert's
    distance from it and the judgments in which they differ from it most; and the nodes with more than one child
    that nobody judged.

    An expert's distance is half the sum of the absolute differences between their priorities and the group's
    (the share of weight that would have to move; 0 to 1). The group's judgment of a pair is the aggregated
    matrix's entry (`aij`), else the ratio of the group's priorities (`aip`); the pairs listed (at most 3) are the
    expert's judgments furthest from it on a log scale, furthest first.
    """
    _check_tree(tree)
    by_node, _ = _judgments_by_node(tree, judgments)
    agreements: list[NodeAgreement] = []
    unjudged: list[str] = []
    for node in [GOAL, *tree[GOAL]]:
        children, entries = list(tree[node]), by_node.get(node, [])
        if len(children) < 2:
            continue
        if not entries:
            unjudged.append(node)
            continue
        result = _group_node(node, children, entries, method, aggregation, ri_table, cr_threshold)
        assert result is not None  # a node with judgments always has a result
        group_matrix = (
            result.aggregated_matrix
            if result.aggregated_matrix is not None
            else np.divide.outer(result.weights, result.weights)
        )
        agreements.append(
            NodeAgreement(
                node=node,
                weights=dict(zip(children, result.weights.tolist(), strict=True)),
                cr=float(result.cr),
                consistent=bool(result.consistent),
                consensus=float(result.consensus),
                ahp_consensus=float(result.ahp_consensus),
                consensus_band=result.consensus_band,
                experts=[
                    ExpertFromGroup(
                        expert=own.expert,
                        weights=dict(zip(children, own.weights.tolist(), strict=True)),
                        cr=float(own.cr),
                        consistent=bool(own.consistent),
                        distance=float(np.abs(own.weights - result.weights).sum() / 2),
                        most_different=_most_different(children, judgment.matrix, group_matrix),
                    )
                    for own, (_, judgment) in zip(result.experts, entries, strict=True)
                ],
            )
        )
    return agreements, unjudged


def _most_different(children: Sequence[str], own: FloatArray, group: FloatArray) -> list[PairDifference]:
    """The expert's judgments (upper triangle, given ones) furthest from the group's on a log scale."""
    rows, cols = np.triu_indices(len(children), k=1)
    given = ~np.isnan(own[rows, cols])
    rows, cols = rows[given], cols[given]
    gaps = np.abs(np.log(own[rows, cols]) - np.log(group[rows, cols]))
    order = np.argsort(-gaps, kind="stable")[:MOST_DIFFERENT_PAIRS]
    return [
        PairDifference(
            first=children[rows[k]],
            second=children[cols[k]],
            expert=float(own[rows[k], cols[k]]),
            group=float(group[rows[k], cols[k]]),
        )
        for k in order
        if gaps[k] > 1e-12
    ]


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
