"""GET/POST /v1/panels, their experts, and each expert's judgments per node of the indicator tree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, status

from services.indicators.deps import SessionDep
from services.indicators.panels import service
from shared.auth import Admin, Analyst, Expert, Viewer
from shared.schemas.panels import (
    ExpertCreate,
    ExpertProgress,
    ExpertRead,
    ExpertUpdate,
    JudgmentRead,
    JudgmentWrite,
    PanelCreate,
    PanelRead,
    RoundRead,
)

router = APIRouter(prefix="/v1/panels", tags=["panels"])

JUDGMENT_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "An expert's key may write only the judgments of the expert it is linked to."},
    404: {"description": "No such panel, expert or node."},
    409: {
        "description": "The version sent is not the stored one (someone changed the judgment since it was read), "
        "or the round it was read in is closed."
    },
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


ROUND_QUERY_DOC = "Round to read (1, 2, ...; see `/rounds`); default: the open one."


@router.get("/{panel_id}/rounds", response_model=list[RoundRead], responses={404: {"description": "No such panel."}})
def list_rounds(panel_id: int, session: SessionDep, _: Viewer) -> list[RoundRead]:
    """The panel's Delphi rounds, first to last; the last is open, every other closed (its judgments read-only)."""
    return service.list_rounds(session, panel_id=panel_id)


@router.post(
    "/{panel_id}/rounds",
    response_model=RoundRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "No such panel."},
        409: {"description": "Another request closed the round at the same time."},
    },
)
def close_round(panel_id: int, session: SessionDep, principal: Analyst) -> RoundRead:
    """Close the open round (analyst): its judgments stay exactly as they are, read-only, and the next round opens
    with a copy of them for the experts to revise (versions start again at 1). Both steps are audited; the answer
    is the new open round."""
    return service.close_round(session, panel_id=panel_id, actor=principal)


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
    round_number: int | None = Query(default=None, alias="round", ge=1, description=ROUND_QUERY_DOC),
) -> list[JudgmentRead]:
    """The panel's judgments in one round: all of them for analysts and admins, an expert's key only its own;
    viewers 403."""
    return service.list_judgments(
        session, panel_id=panel_id, principal=principal, node=node, expert_code=expert, round_number=round_number
    )


@router.get("/{panel_id}/experts/{expert_code}/judgments/{node}", response_model=JudgmentRead)
def get_judgment(
    panel_id: int,
    expert_code: str,
    node: str,
    session: SessionDep,
    principal: Viewer,
    round_number: int | None = Query(default=None, alias="round", ge=1, description=ROUND_QUERY_DOC),
) -> JudgmentRead:
    """One expert's judgment for one node in one round, with the version to send back when changing it."""
    return service.get_judgment(
        session, panel_id=panel_id, expert_code=expert_code, node=node, principal=principal, round_number=round_number
    )


@router.put(
    "/{panel_id}/experts/{expert_code}/judgments/{node}",
    response_model=JudgmentRead,
    responses=JUDGMENT_WRITE_RESPONSES,
)
def write_judgment(
    panel_id: int, expert_code: str, node: str, body: JudgmentWrite, session: SessionDep, principal: Expert
) -> JudgmentRead:
    """Create (version 0) or replace (the version last read) an expert's judgment for a node in the open round;
    audited. A closed round's judgments are read-only.

    An expert's key may write only for the expert it is linked to; analysts and admins for anyone.
    """
    return service.write_judgment(
        session, panel_id=panel_id, expert_code=expert_code, node=node, data=body, actor=principal
    )
