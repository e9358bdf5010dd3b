"""GET/PUT /v1/indicators: the indicator tree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.indicators.deps import SessionDep
from services.indicators.indicator_tree import service
from shared.auth import Admin, Viewer
from shared.schemas.indicators import CriterionNode, CriterionWrite

router = APIRouter(prefix="/v1/indicators", tags=["indicators"])

TREE_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {"description": "The tree leaves out an indicator that has observations; `errors` names each one."},
    422: {"description": "The tree is not valid; `errors` names every bad place; nothing is written."},
}


@router.get("", response_model=list[CriterionNode])
def get_tree(session: SessionDep, _: Viewer) -> list[CriterionNode]:
    """Criteria and their indicators, with units, direction, reference ranges and validity limits."""
    return service.tree_as_nodes(session)


@router.put("", response_model=list[CriterionNode], responses=TREE_WRITE_RESPONSES)
def put_tree(body: list[CriterionWrite], session: SessionDep, principal: Admin) -> list[CriterionNode]:
    """Replace the whole tree with this one (admin): what it leaves out is removed; audited with before and after."""
    service.replace_tree(session, nodes=body, actor=principal)
    return service.tree_as_nodes(session)
