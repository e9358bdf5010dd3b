"""GET /v1/audit: the audit log, for admins; read-only through the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.indicators.audit import service
from services.indicators.deps import SessionDep
from shared.auth import Admin

router = APIRouter(prefix="/v1/audit", tags=["audit"])


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Entry id, increasing with time.")
    at: datetime = Field(description="When (UTC).")
    actor: str = Field(description="Who: the API key's name and id.")
    action: str = Field(description="What, e.g. `observations.import`, `api_key.create`.")
    entity: str = Field(description="Kind of thing changed.")
    entity_id: str = Field(description="Which one.")
    before: Any = Field(description="Values before the change (null for a creation).")
    after: Any = Field(description="Values after the change (null for a deletion).")


@router.get("", response_model=list[AuditEntryRead])
def list_audit(
    session: SessionDep,
    _: Admin,
    actor: str | None = Query(default=None, description="Only this actor."),
    action: str | None = Query(default=None, description="Only this action."),
    since: datetime | None = Query(default=None, description="Not before this time (ISO 8601)."),
    until: datetime | None = Query(default=None, description="Not after this time (ISO 8601)."),
    limit: int = Query(default=100, ge=1, le=1000, description="At most this many entries, newest first."),
    offset: int = Query(default=0, ge=0, description="Skip this many entries."),
) -> list[Any]:
    """Who changed what and when, newest first."""
    return list(
        service.list_entries(session, actor=actor, action=action, since=since, until=until, limit=limit, offset=offset)
    )
