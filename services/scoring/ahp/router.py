"""POST /v1/ahp/priorities, /v1/ahp/group and /v1/ahp/hierarchy: AHP computations on the matrices sent."""

from __future__ import annotations

from fastapi import APIRouter

from services.scoring.ahp import service
from services.scoring.endpoints import computed, documented
from shared.auth import Viewer
from shared.problems import invalid_input_example
from shared.schemas.scoring import (
    GROUP_RESULT_EXAMPLE,
    HIERARCHY_RESULT_EXAMPLE,
    PRIORITIES_RESULT_EXAMPLE,
    GroupRequest,
    GroupResponse,
    HierarchyRequest,
    HierarchyResponse,
    PrioritiesRequest,
    PrioritiesResponse,
)

router = APIRouter(prefix="/v1/ahp", tags=["ahp"])

NOT_RECIPROCAL_PROBLEM = invalid_input_example(
    "the comparison matrix is not valid",
    [{"loc": ["body", "matrix", 1, 0], "msg": "must be the reciprocal of [0][1] = 3, that is 0.333333, got 3"}],
)
DISCONNECTED_PROBLEM = invalid_input_example(
    "the judgments do not connect all items",
    [{"loc": ["body", "judgments", 0, "matrix"], "msg": "the judgments leave items [2, 3] unlinked to item 0"}],
)
MATRIX_SIZE_PROBLEM = invalid_input_example(
    "the hierarchy is not valid",
    [{"loc": ["body", "tree", "matrix"], "msg": "'Goal' has 3 children, so its matrix must be 3 x 3, not (2, 2)"}],
)


@router.post(
    "/priorities",
    response_model=PrioritiesResponse,
    summary="Priorities and consistency of one pairwise comparison matrix",
    responses=documented(PRIORITIES_RESULT_EXAMPLE, NOT_RECIPROCAL_PROBLEM),
)
def ahp_priorities(body: PrioritiesRequest, _: Viewer) -> PrioritiesResponse:
    """Derive the priorities of the items of one n x n pairwise comparison matrix and check its consistency.

    Judgments may be numbers or fraction strings (`"1/3"`); a null in both `[i][j]` and `[j][i]` is a missing
    judgment, as long as the judgments given connect all items. The eigenvector method fills missing judgments by
    Harker's method (`completion: harker`) or with the values that minimise lambda_max (`optimal`, Bozóki, Fülöp
    and Rónyai 2010); the geometric mean always uses logarithmic least squares. The answer has the priorities,
    lambda_max, CI, RI, CR, the completed matrix and the (at most 3) judgments that contribute most to the
    inconsistency, each with the consistent value `w_i / w_j`, the value in [1/9, 9] that would make lambda_max
    least with the other judgments kept (`best_value`) and the CR the matrix would then have (`cr_after`). The
    example is Saaty's drinks example.
    """
    return computed(service.priorities, body)


@router.post(
    "/group",
    response_model=GroupResponse,
    summary="Group priorities of a panel's matrices, with consistency and consensus",
    responses=documented(GROUP_RESULT_EXAMPLE, DISCONNECTED_PROBLEM),
)
def ahp_group(body: GroupRequest, _: Viewer) -> GroupResponse:
    """Aggregate several experts' matrices over the same items into group priorities.

    `aij` aggregates the judgments (weighted geometric mean over the experts who gave each one) and derives
    priorities from the group matrix; `aip` averages the experts' priorities. Every expert's own priorities
    and CR are reported; `consensus` (Goepel's relative homogeneity) and `ahp_consensus` (his AHP consensus S*,
    corrected for the 1–9 scale, with AHP-OS's word for it in `consensus_band`) say how far the experts agree.
    """
    return computed(service.group, body)


@router.post(
    "/hierarchy",
    response_model=HierarchyResponse,
    summary="Local and global weights of a whole decision hierarchy",
    responses=documented(HIERARCHY_RESULT_EXAMPLE, MATRIX_SIZE_PROBLEM),
)
def ahp_hierarchy(body: HierarchyRequest, _: Viewer) -> HierarchyResponse:
    """Weigh a goal → criteria → … → alternatives tree: each node weighs its children by a matrix or by weights.

    A node's global weight is the product of the local weights from the goal down; a leaf that stands under
    several parents (alternatives compared under each criterion) sums its global weights in `leaves`.
    """
    return computed(service.hierarchy, body)
