"""GET /v1/state: the tokens other services key their caches on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from services.indicators.state.service import current_state, publish
from shared.auth import api_key_scheme, authenticate
from shared.schemas.indicators import PlatformState

router = APIRouter(prefix="/v1/state", tags=["state"])

STATE_EXAMPLE = {
    "instance_id": "9b1f0c2ad5e34f7c8a6b0e1d2c3f4a5b",
    "catalog_version": "5d4c3b2a19087f6e",
    "default_profile_id": 4,
    "datasets": [{"year": 2023, "version": "af2d5e22883346e9"}],
    "generation": 12,
    "category_defaults": {"basic": 5},
}


@router.get(
    "",
    response_model=PlatformState,
    responses={200: {"content": {"application/json": {"example": STATE_EXAMPLE}}}},
)
def get_state(request: Request, raw_key: Annotated[str | None, Depends(api_key_scheme)]) -> Response:
    """The database's instance id, the catalogue version, the default profile and each year's dataset version.

    Every cached read of the other services passes through here, so the key check, the session and the query
    run in a single thread-pool hop rather than one per dependency (any valid key may read it).
    """
    authenticate(request, raw_key)
    with request.app.state.session_factory() as session:
        state = current_state(session)
    # Publishing on reads too keeps the Redis copy warm after a restart; a newer generation is never replaced.
    return Response(publish(request.app.state.state_channel, state), media_type="application/json")
