"""API keys: create (shown once), list, revoke, and `me` for the other services' key checks."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from services.indicators.api_keys import service
from services.indicators.deps import SessionDep
from shared.auth import Admin, CurrentPrincipal
from shared.schemas.indicators import ApiKeyCreate, ApiKeyCreated, ApiKeyRead, WhoAmI

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])


@router.post("", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
def create_api_key(body: ApiKeyCreate, session: SessionDep, principal: Admin) -> ApiKeyCreated:
    """Issue a key. The key is in this answer only; the platform keeps its SHA-256 hash."""
    key, raw = service.create_key(session, name=body.name, role=body.role, actor=principal)
    return ApiKeyCreated(id=key.id, name=key.name, role=body.role, key=raw)


@router.get("", response_model=list[ApiKeyRead])
def list_api_keys(session: SessionDep, _: Admin) -> list[ApiKeyRead]:
    """The active keys (never the keys themselves)."""
    return [ApiKeyRead(id=k.id, name=k.name, role=k.role) for k in service.list_keys(session)]


@router.get("/me", response_model=WhoAmI)
def who_am_i(principal: CurrentPrincipal) -> WhoAmI:
    """The calling key's id, name and role (the other services check keys with this)."""
    return WhoAmI(id=principal.key_id, name=principal.name, role=principal.role)


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_api_key(key_id: int, session: SessionDep, principal: Admin) -> Response:
    """Revoke a key: refused here at once, by the other services within 60 s."""
    service.revoke_key(session, key_id=key_id, actor=principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
