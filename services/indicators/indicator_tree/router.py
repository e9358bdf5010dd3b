"""GET/PUT /v1/indicators: the indicator tree."""

from __future__ import annotations

from fastapi import APIRouter

from services.indicators.deps import SessionDep
from services.indicators.indicator_tree import service
from shared.auth import Admin, Viewer
from shared.schemas.indicators import CriterionNode

router = APIRouter(prefix="/v1/indicators", tags=["indicators"])


@router.get("", response_model=list[CriterionNode])
def get_tree(session: SessionDep, _: Viewer) -> list[CriterionNode]:
    """Criteria and their indicators, with units, direction, reference ranges and validity limits."""
    return service.tree_as_nodes(session)


@router.put("", response_model=list[CriterionNode])
def put_tree(body: list[CriterionNode], session: SessionDep, principal: Admin) -> list[CriterionNode]:
    """Create or update criteria and indicators by code (admin); audited with before and after."""
    service.upsert_tree(session, nodes=body, actor=principal)
    return service.tree_as_nodes(session)
