"""GET/POST /v1/panels, their experts, and each expert's judgments per node of the indicator tree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, status

from services.indicators.deps import SessionDep
from services.indicators.panels import service
from shared.auth import Admin, Expert, Viewer
from shared.schemas.panels import (
    ExpertCreate,
    ExpertProgress,
    ExpertRead,
    ExpertUpdate,
    JudgmentRead,
    JudgmentWrite,
    PanelCreate,
    PanelRead,
)

router = APIRouter(prefix="/v1/panels", tags=["panels"])

JUDGMENT_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "An expert's key may write only the judgments of the expert it is linked to."},
    404: {"description": "No such panel, expert or node."},
    409: {"description": "The version sent is not the stored one: someone changed the judgment since it was read."},
}


@router.get("", response_model=list[PanelRead])
def list_panels(session: SessionDep, _: Viewer) -> list[Any]:
    """Every panel with its experts."""
    return service.list_panels(session)


@router.post("", response_model=PanelRead, status_code=status.HTTP_201_CREATED)
def create_panel(body: PanelCreate, session: SessionDep, principal: Admin) -> Any:
    """Create a panel, optionally with its experts (admin); audited."""
    return service.create_panel(session, data=body, actor=principal)


@router.get("/{panel_id}", response_model=PanelRead)
def get_panel(panel_id: int, session: SessionDep, _: Viewer) -> Any:
    """One panel with its experts."""
    return service.get_panel(session, panel_id=panel_id)


@router.post("/{panel_id}/experts", response_model=ExpertRead, status_code=status.HTTP_201_CREATED)
def add_expert(panel_id: int, body: ExpertCreate, session: SessionDep, principal: Admin) -> Any:
    """Add an expert to a panel, optionally linked to the API key they sign in with (admin); audited."""
    return service.add_expert(session, panel_id=panel_id, data=body, actor=principal)


@router.patch("/{panel_id}/experts/{expert_code}", response_model=ExpertRead)
def update_expert(panel_id: int, expert_code: str, body: ExpertUpdate, session: SessionDep, principal: Admin) -> Any:
    """Change an expert's names, weight or linked API key (admin); audited with before and after."""
    return service.update_expert(session, panel_id=panel_id, expert_code=expert_code, data=body, actor=principal)


@router.get("/{panel_id}/progress", response_model=list[ExpertProgress])
def get_progress(panel_id: int, session: SessionDep, _: Viewer) -> list[ExpertProgress]:
    """Each expert's judged, missing and inconsistent (CR above 0.1) nodes of the tree; no judgment is shown."""
    return service.panel_progress(session, panel_id=panel_id)


@router.get("/{panel_id}/judgments", response_model=list[JudgmentRead])
def list_judgments(
    panel_id: int,
    session: SessionDep,
    principal: Viewer,
    node: str | None = Query(default=None, description="Only this node: `goal` or a criterion code."),
    expert: str | None = Query(default=None, description="Only this expert (code)."),
) -> list[JudgmentRead]:
    """The panel's judgments: all of them for analysts and admins, an expert's key only its own; viewers 403."""
    return service.list_judgments(session, panel_id=panel_id, principal=principal, node=node, expert_code=expert)


@router.get("/{panel_id}/experts/{expert_code}/judgments/{node}", response_model=JudgmentRead)
def get_judgment(panel_id: int, expert_code: str, node: str, session: SessionDep, principal: Viewer) -> JudgmentRead:
    """One expert's judgment for one node, with the version to send back when changing it."""
    return service.get_judgment(session, panel_id=panel_id, expert_code=expert_code, node=node, principal=principal)


@router.put(
    "/{panel_id}/experts/{expert_code}/judgments/{node}",
    response_model=JudgmentRead,
    responses=JUDGMENT_WRITE_RESPONSES,
)
def write_judgment(
    panel_id: int, expert_code: str, node: str, body: JudgmentWrite, session: SessionDep, principal: Expert
) -> JudgmentRead:
    """Create (version 0) or replace (the version last read) an expert's judgment for a node; audited.

    An expert's key may write only for the expert it is linked to; analysts and admins for anyone.
    """
    return service.write_judgment(
        session, panel_id=panel_id, expert_code=expert_code, node=node, data=body, actor=principal
    )
