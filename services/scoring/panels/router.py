"""POST /v1/panels/{panel_id}/publish: the panel's group weights of the whole tree, published as a profile."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from services.scoring.deps import IndicatorsDep
from services.scoring.panels.service import publish_panel
from shared.auth import Analyst
from shared.schemas.panels import WeightProfileRead
from shared.schemas.vocabulary import Aggregation, PriorityMethod, RiTable

router = APIRouter(prefix="/v1/panels", tags=["panels"])


class PublishRequest(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="Name of the new profile.", examples=["Review 2025"])
    method: PriorityMethod = Field(default="eigenvector", description="Priority method: eigenvector or geometric_mean.")
    aggregation: Aggregation = Field(default="aij", description="aij (judgments) or aip (priorities).")
    ri_table: RiTable = Field(default="saaty", description="Random index table for the consistency ratios.")
    make_default: bool = Field(default=False, description="Make it the profile rankings use unless told otherwise.")


@router.post(
    "/{panel_id}/publish",
    response_model=WeightProfileRead,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "The publication lost a race with another (problem+json)."}},
)
def publish(panel_id: int, body: PublishRequest, _: Analyst, indicators: IndicatorsDep) -> WeightProfileRead:
    """Aggregate the panel's current judgments of every node (AHP group), synthesise the global weights and
    store them as a new, immutable weight profile in the indicator service (analyst key)."""
    return publish_panel(
        indicators,
        panel_id=panel_id,
        name=body.name,
        method=body.method,
        aggregation=body.aggregation,
        ri_table=body.ri_table,
        make_default=body.make_default,
    )
