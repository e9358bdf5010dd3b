"""POST /v1/panels/{panel_id}/publish: the panel's group weights of the whole tree, published as a profile."""

from __future__ import annotations

from fastapi import APIRouter, status

from services.scoring.deps import IndicatorsDep, SettingsDep
from services.scoring.panels.service import publish_panel, rounds_summary
from shared.auth import Analyst, Expert
from shared.schemas.panels import PanelPublish, PanelRoundsSummary, RoundsSummaryRequest, WeightProfileRead

router = APIRouter(prefix="/v1/panels", tags=["panels"])


@router.post(
    "/{panel_id}/publish",
    response_model=WeightProfileRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "The publication lost a race with another (problem+json)."},
        422: {"description": "Included experts have missing or inconsistent nodes and no override_reason was given."},
    },
)
def publish(panel_id: int, body: PanelPublish, _: Analyst, indicators: IndicatorsDep) -> WeightProfileRead:
    """Aggregate the current judgments of every node (AHP group) of the experts not excluded, synthesise the global
    weights and store them as a new, immutable weight profile in the indicator service (analyst key), keeping the
    exclusions and the override reason as its provenance."""
    return publish_panel(indicators, panel_id=panel_id, request=body)


@router.post(
    "/{panel_id}/rounds/summary",
    response_model=PanelRoundsSummary,
    responses={
        403: {"description": "Neither an analyst nor an expert of the panel, or an expert asking for an open round."},
        404: {"description": "No such panel, or no such round of it (problem+json)."},
        422: {"description": "A stored judgment cannot be aggregated (problem+json)."},
    },
)
def summarise_rounds(
    panel_id: int, body: RoundsSummaryRequest, principal: Expert, indicators: IndicatorsDep, settings: SettingsDep
) -> PanelRoundsSummary:
    """Per Delphi round and node of the tree: the group weights (AHP group), their consistency ratio, the consensus
    S and S* with its band, and each expert's distance from the group and the judgments where they differ most.
    What the Panel page draws as consensus and CR per round.

    Analysts see every round and every expert. An expert of the panel (their key linked to them) sees the closed
    rounds only, with the group's result and their own entry, never another expert's (Delphi feedback)."""
    return rounds_summary(
        indicators, panel_id=panel_id, request=body, caller=principal, service_key=settings.admin_api_key
    )
