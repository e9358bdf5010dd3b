"""GET /v1/state: the tokens other services key their caches on."""

from __future__ import annotations

from fastapi import APIRouter

from services.indicators.deps import SessionDep
from services.indicators.state.service import current_state
from shared.auth import Viewer
from shared.schemas.indicators import PlatformState

router = APIRouter(prefix="/v1/state", tags=["state"])


@router.get(
    "",
    response_model=PlatformState,
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "instance_id": "9b1f0c2ad5e34f7c8a6b0e1d2c3f4a5b",
                        "catalog_version": "5d4c3b2a19087f6e",
                        "default_profile_id": 4,
                        "datasets": [{"year": 2023, "version": "af2d5e22883346e9"}],
                    }
                }
            }
        }
    },
)
def get_state(session: SessionDep, _: Viewer) -> PlatformState:
    """The database's instance id, the catalogue version, the default profile and each year's dataset version."""
    return current_state(session)
